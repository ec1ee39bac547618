/**
 * CPU time of a whole process tree from /proc: the bot with shards is a
 * manager process plus one process per shard, and PostgreSQL is a postmaster
 * plus one backend per connection, so one pid's own time would miss most of it.
 */
import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = 100; // getconf CLK_TCK on Linux

interface Stat {
  ppid: number;
  /** utime + stime of the process itself, jiffies. */
  own: number;
  /** cutime + cstime: children that exited and were waited for, jiffies. */
  reaped: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may contain spaces) start at state (field 3).
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
}

export function processExists(pid: number): boolean {
  return readStat(pid) !== undefined;
}

/** The parent of a process, or undefined when it is gone. */
export function parentOf(pid: number): number | undefined {
  return readStat(pid)?.ppid;
}

/**
 * User + system CPU of `root` and every descendant, in ms: each live process's
 * own time plus what its exited children left in its cutime/cstime. The sum
 * never goes down when a process in the tree exits (its time moves to its
 * parent's cutime once reaped), so differences over a window are sound.
 */
export function treeCpuMs(root: number): number {
  const children = new Map<number, number[]>();
  const stats = new Map<number, Stat>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    stats.set(pid, stat);
    const list = children.get(stat.ppid);
    if (list) list.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  let jiffies = 0;
  const walk = (pid: number): void => {
    const stat = stats.get(pid);
    if (!stat) return;
    jiffies += stat.own + stat.reaped;
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return (jiffies * 1000) / CLK_TCK;
}

/** The process ids of `root`'s direct children. */
export function childrenOf(root: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (Number.isInteger(pid) && readStat(pid)?.ppid === root) out.push(pid);
  }
  return out;
}
