import type { Store } from '../storage/store.js';
import { updateSchedule } from './repository.js';
import { isActive, type LastResult, type RunInfo, type Schedule } from './types.js';
import { nextRunAfter } from './when.js';
import { formatDuration, formatInZone } from './zoned.js';

/** The run a schedule is on: one left pending by a crash, else its next run. */
export const currentRunAt = (s: Schedule): number | null => s.pendingRun?.runAt ?? s.nextRunAt;

/**
 * Records that the run is being posted, before posting, so a crash after the
 * post is re-posted with the same nonce. Resolves to the stored record; its
 * pendingRun is `run` only if the schedule was still on that run.
 */
export function markPending(store: Store, s: Schedule, run: RunInfo): Promise<Schedule | undefined> {
  return updateSchedule(store, s.guildId, s.id, (cur) =>
    isActive(cur) && !cur.pendingRun && cur.nextRunAt === run.runAt ? { ...cur, pendingRun: run } : cur,
  );
}

/**
 * Records a run's outcome, clears pendingRun and sets the next run after
 * `after` (null for one-offs). Left alone if a command moved the schedule on
 * meanwhile (resumed it to another run, or cancelled it).
 */
export function recordOutcome(store: Store, s: Schedule, lastResult: LastResult & { runAt: number }, after: number): Promise<Schedule | undefined> {
  return updateSchedule(store, s.guildId, s.id, (cur) => {
    if (currentRunAt(cur) !== lastResult.runAt) return cur;
    const { pendingRun: _done, ...rest } = cur;
    return { ...rest, nextRunAt: nextRunAfter(cur, after), lastResult };
  });
}

export function skipMessage(s: Schedule, runAt: number, lateMs: number): string {
  const when = formatInZone(runAt, s.timeZone);
  return s.pendingRun
    ? `not confirmed: the bot stopped while posting the run of ${when}; not retried ${formatDuration(lateMs)} later`
    : `skipped: the bot was offline at ${when} (${formatDuration(lateMs)} late)`;
}
