import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

let clockTicks: number | null = null;

/** Kernel clock ticks per second (`getconf CLK_TCK`, 100 when unknown). */
export function clkTck(): number {
  if (clockTicks === null) {
    try {
      clockTicks =
        Number(execFileSync('getconf', ['CLK_TCK'], { timeout: 2000 }).toString()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process in clock ticks, or null when it is gone. */
export function readCpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** A `Vm*` field of /proc/<pid>/status in kB, or null when it is gone. */
export function readStatusKb(pid: number, key: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** CPU time in microseconds for a number of clock ticks. */
export function ticksToMicros(ticks: number): number {
  return (ticks * 1e6) / clkTck();
}

/** What the results were measured on. */
export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  node: string;
  kernel: string;
  totalMemoryMb: number;
  clkTck: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cpuCount: list.length,
    node: process.version,
    kernel: release(),
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    clkTck: clkTck(),
  };
}

/** Tick counters of one CPU from /proc/stat. */
export interface CpuTicks {
  busy: number;
  total: number;
  steal: number;
}

/** Counters of CPU `cpu` (null when /proc/stat cannot be read). */
export function readCpuStat(cpu: number): CpuTicks | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`cpu${cpu} `));
    if (!line) return null;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    const busy = user + nice + system + irq + softirq;
    return { busy, total: busy + idle + iowait + steal, steal };
  } catch {
    return null;
  }
}
