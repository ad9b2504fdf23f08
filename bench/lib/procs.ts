import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/** Repository root (the servers and the load worker run from there). */
export const ROOT = resolve(__dirname, '..', '..');

const MAX_KEPT = 1 << 20;
const live = new Set<ManagedProcess>();
let tasksetState: boolean | null = null;

/** Whether `taskset` exists and may set the affinity here (checked once). */
export function tasksetAvailable(): boolean {
  if (tasksetState === null) {
    const probe = spawnSync('taskset', ['-c', '0', 'true'], { timeout: 5000, stdio: 'ignore' });
    tasksetState = probe.status === 0;
  }
  return tasksetState;
}

let buildDir: string | null = null;

/**
 * Runs entry points from a transpiled copy of the repository (see `buildBench`) instead of through
 * ts-node, so the TypeScript compiler is not part of the measured processes.
 */
export function useBuild(dir: string): void {
  buildDir = dir;
}

function entryArgs(script: string): string[] {
  if (buildDir === null) {
    return ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', script];
  }
  return ['-r', 'tsconfig-paths/register', join(buildDir, script.replace(/\.ts$/, '.js'))];
}

function runtimeEnv(): Record<string, string> {
  const project = join(ROOT, 'tsconfig.json');
  if (buildDir === null) return { TS_NODE_PROJECT: project };
  // The paths of tsconfig.json resolve inside the copy; packages from the repository's node_modules.
  return {
    TS_NODE_PROJECT: project,
    TS_NODE_BASEURL: buildDir,
    NODE_PATH: join(ROOT, 'node_modules'),
  };
}

/** How a TypeScript entry point of bench/ is started. */
export interface StartOptions {
  /** CPU to pin the process to (ignored without taskset). */
  cpu: number;
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/** A child process of this run: only ever signalled by its own PID. */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  private stdoutText = '';
  private stderrText = '';
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    script: string,
    options: StartOptions,
  ) {
    const nodeArgs = [...(options.nodeArgs ?? []), ...entryArgs(script)];
    const [command, args] = tasksetAvailable()
      ? ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
    this.child = spawn(command, args, {
      cwd: ROOT,
      // stdin stays open: the child exits when it closes, so nothing outlives this run.
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...runtimeEnv(), ...options.env },
    });
    if (this.child.pid === undefined) throw new Error(`could not start ${name}`);
    this.pid = this.child.pid; // taskset execs node: same PID
    this.exited = new Promise((done) => this.child.once('exit', () => done()));
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdoutText = (this.stdoutText + chunk.toString()).slice(-MAX_KEPT);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrText = (this.stderrText + chunk.toString()).slice(-MAX_KEPT);
    });
    this.child.stdin?.on('error', () => undefined);
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  /** The last lines of stderr, for error messages. */
  tail(chars = 3000): string {
    return this.stderrText.slice(-chars);
  }

  /** Waits (bounded) for a stdout line matching `pattern`; fails when the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((done, fail) => {
      const check = (): boolean => {
        const lines = this.stdoutText.split('\n');
        if (this.running) lines.pop(); // the last piece may be an incomplete line
        for (const line of lines) {
          const match = pattern.exec(line);
          if (match) {
            finish();
            done(match);
            return true;
          }
        }
        return false;
      };
      const onExit = () => {
        if (check()) return;
        finish();
        fail(new Error(`${this.name} exited (${this.child.exitCode}):\n${this.tail()}`));
      };
      const timer = setTimeout(() => {
        finish();
        fail(new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms:\n${this.tail()}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
        this.child.off('exit', onExit);
      };
      const onData = () => void check();
      if (check()) return;
      this.child.stdout?.on('data', onData);
      this.child.once('exit', onExit);
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited (bounded). */
  async stop(graceMs = 8000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    if (await this.waitExit(graceMs)) return;
    this.signal('SIGKILL');
    await this.waitExit(5000);
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  private async waitExit(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((done) => (timer = setTimeout(() => done(false), ms)));
    const result = await Promise.race([this.exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Last resort on exit of this process: SIGKILL, synchronously. */
  killNow(): void {
    if (this.running) this.signal('SIGKILL');
  }
}

/** Stops every process this run started and that still runs. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(3000)));
}

process.on('exit', () => {
  for (const p of live) p.killNow();
});
