import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './support/processes';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

/** The environment of a newcomer: none of the app's variables set. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  delete env.NATIVEMESSAGE_WEBHOOK_SECRET;
  delete env.NODE_ENV;
  return { ...env, ...extra };
}

/** Starts the built app and resolves once it listens (bounded wait). */
function startApp(
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [MAIN], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`app did not start in 20 s:\n${output}`)),
      20_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Listening on')) {
        clearTimeout(timer);
        resolveStart({ child, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}:\n${output}`));
    });
  });
}

describe('the example app as a newcomer runs it', () => {
  let workdir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    await run('npm', ['run', 'build'], { cwd: ROOT });
    workdir = mkdtempSync(join(tmpdir(), 'nm-example-'));
  }, 120_000);

  afterAll(() => {
    if (child?.pid && child.exitCode === null) child.kill('SIGTERM');
    rmSync(workdir, { recursive: true, force: true });
  });

  it('starts with zero configuration on an SQLite file and records a test webhook', async () => {
    const port = await freePort();
    const started = await startApp(workdir, cleanEnv({ PORT: String(port) }));
    child = started.child;
    expect(started.output()).toContain('NATIVEMESSAGE_WEBHOOK_SECRET is not set');
    expect(existsSync(join(workdir, 'data', 'nativemessage.sqlite'))).toBe(true);

    const { stdout } = await run('npm', ['run', '-s', 'send-test-webhook'], {
      cwd: ROOT,
      env: cleanEnv({ PORT: String(port) }),
    });
    expect(stdout).toMatch(/-> 200 \{"received":true\}/);
    expect(stdout).toMatch(/GET .*\/messages\/msg_\w+ -> 200 .*"status":"delivered"/);
  }, 60_000);

  it('refuses to start in production without a webhook secret', async () => {
    const port = await freePort();
    const outcome = await new Promise<{ code: number | null; output: string }>((done) => {
      const proc = spawn(process.execPath, [MAIN], {
        cwd: workdir,
        env: cleanEnv({ PORT: String(port), NODE_ENV: 'production' }),
      });
      let output = '';
      proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
      proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
      proc.once('exit', (code) => done({ code, output }));
    });
    expect(outcome.code).toBe(1);
    expect(outcome.output).toContain('NATIVEMESSAGE_WEBHOOK_SECRET is required');
  }, 30_000);
});
