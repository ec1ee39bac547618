/** Wall-clock arithmetic in IANA time zones, using only Intl. */

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for names Intl knows, such as Europe/Berlin or UTC. */
export function isValidTimeZone(name: string): boolean {
  return canonicalTimeZone(name) !== null;
}

/** The canonical spelling of a time zone (europe/berlin -> Europe/Berlin), or null. */
export function canonicalTimeZone(name: string): string | null {
  if (!name.trim()) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name.trim() }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export function wallTimeAt(ms: number, timeZone: string): WallTime & { weekday: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
  return { ...wall, weekday: new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay() };
}

const asUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** Offset of the zone from UTC at an instant, in ms (whole seconds). */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return asUtc(wallTimeAt(whole, timeZone)) - whole;
}

/**
 * The instant a wall time names in a zone. Matches croner's rules for fixed times:
 * a time skipped by a spring-forward change (02:30 in Europe/Berlin on the last
 * Sunday of March) becomes the first valid instant after the gap (03:00 local);
 * a time that occurs twice (autumn) means its first occurrence.
 */
export function instantOfWallTime(wall: WallTime, timeZone: string): number {
  const guess = asUtc(wall);
  const candidates = [...new Set([offsetAt(guess - 86_400_000, timeZone), offsetAt(guess + 86_400_000, timeZone)])]
    .map((offset) => guess - offset)
    .filter((t) => asUtc(wallTimeAt(t, timeZone)) === guess)
    .sort((a, b) => a - b);
  if (candidates[0] !== undefined) return candidates[0];
  // In a gap: binary-search the change between the two readings of the wall time.
  const times = [offsetAt(guess - 86_400_000, timeZone), offsetAt(guess + 86_400_000, timeZone)].map((o) => guess - o);
  let lo = Math.min(...times);
  let hi = Math.max(...times);
  const before = offsetAt(lo, timeZone);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** "2025-03-30 09:00 Europe/Berlin" */
export function formatInZone(ms: number, timeZone: string): string {
  const w = wallTimeAt(ms, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${timeZone}`;
}

/** "2h 5m", "3d 4h", "45s": for log lines and results. */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60];
  if (d) return h ? `${d}d ${h}h` : `${d}d`;
  if (h) return m ? `${h}h ${m}m` : `${h}h`;
  return m ? `${m}m` : `${s}s`;
}
