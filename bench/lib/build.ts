import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from './procs';

/** Sources the servers and the load worker need, relative to the repository root. */
const SOURCES = ['libs/nativemessage/src', 'bench/servers', 'bench/load', 'bench/lib'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    const wanted = /\.ts$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name);
    return wanted ? [path] : [];
  });
}

/** A transpiled copy of the sources; `dir` mirrors the repository layout. */
export interface Build {
  dir: string;
  files: number;
  seconds: number;
  remove(): void;
}

/**
 * Transpiles the library and bench/ (tsconfig.json's options, no type check) into a temp folder, so
 * the measured processes run plain JavaScript: no TypeScript compiler in their memory or CPU time.
 */
export function buildBench(): Build {
  const started = Date.now();
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  if (config.error)
    throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const compilerOptions: ts.CompilerOptions = {
    ...parsed.options,
    sourceMap: false,
    inlineSourceMap: false,
    declaration: false,
    noEmit: false,
  };
  const dir = mkdtempSync(join(tmpdir(), 'nm-bench-build-'));
  const files = SOURCES.flatMap((source) => tsFiles(join(ROOT, source)));
  for (const file of files) {
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions,
      fileName: file,
    });
    const target = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  return {
    dir,
    files: files.length,
    seconds: (Date.now() - started) / 1000,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
