/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by
 * package, so a slow path can be named without opening DevTools.
 *   npx tsx bench/lib/profile-summary.ts file.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export function summariseProfile(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + (deltas[i] ?? 0) / 1000);
  let idle = 0;
  for (const [id, ms] of self) if (byId.get(id)!.callFrame.functionName === '(idle)') idle += ms;
  // Percentages are of the time the main thread was busy.
  const total = [...self.values()].reduce((a, b) => a + b, 0) - idle;
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') continue;
    const url = n.callFrame.url;
    const where = url.replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+).*$/, '$1').replace(/^file:\/\/.*\/(src|bench|tests)\//, '$1/');
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${where}:${n.callFrame.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
    const p = url === '' ? `(${n.callFrame.functionName})` : url.startsWith('node:') ? 'node internals' : url.includes('node_modules') ? where : where.split('/').slice(0, 2).join('/');
    pkg.set(p, (pkg.get(p) ?? 0) + ms);
  }
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `busy ${total.toFixed(0)} ms (idle ${idle.toFixed(0)} ms not counted)\n-- by package --\n${fmt(pkg)}\n-- by function (self) --\n${fmt(fn)}`;
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  console.log(summariseProfile(process.argv[2]!, Number(process.argv[3] ?? 25)));
}
