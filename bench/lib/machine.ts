/** What the run happened on, and how busy the machine was with other work meanwhile. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface MachineInfo {
  nproc: number;
  cpu: string;
  lscpu: string;
  node: string;
  memGb: number;
  loadavgStart: string;
}

export function machineInfo(): MachineInfo {
  let lscpu = '';
  try {
    lscpu = execFileSync('lscpu', { encoding: 'utf8' }).split('\n').slice(0, 10).join('\n');
  } catch {
    lscpu = '(lscpu not available)';
  }
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    lscpu,
    node: process.version,
    memGb: Math.round(totalmem() / 2 ** 30),
    loadavgStart: readFileSync('/proc/loadavg', 'utf8').trim(),
  };
}

/** Busy and total jiffies of the whole machine (/proc/stat "cpu" line). */
export function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * Samples machine-wide CPU use; `other()` is the cores used by processes that
 * are not ours (other people's tests on a shared box), which makes throughput noisy.
 */
export class MachineLoad {
  #start = machineJiffies();
  #ours0: number;
  constructor(private readonly ours: () => number) {
    this.#ours0 = ours();
  }
  /** Average cores busy with other work since construction. */
  other(): number {
    const now = machineJiffies();
    const cores = cpus().length;
    const busyCores = ((now.busy - this.#start.busy) / Math.max(1, now.total - this.#start.total)) * cores;
    const elapsedJiffies = (now.total - this.#start.total) / cores; // per core, 100 Hz
    const oursCores = (this.ours() - this.#ours0) / 10 / Math.max(1, elapsedJiffies);
    return Math.max(0, busyCores - oursCores);
  }
}
