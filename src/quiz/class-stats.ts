/**
 * The server's figures per question and per week, for `/quiz-admin report`:
 * which questions the class misses most, and how many answers come in each
 * week. Tallies are per person and per skill, so they cannot say either.
 *
 * One key per server holds it all, so one answer's changes are one atomic
 * store.update. It holds no user data (no ids, names or per-person answers),
 * so forgetting one person leaves it as it is; `/quiz-admin reset` and the
 * retention sweep delete it with the rest of the server's data.
 *
 * Bounded: a ref is only added when its question is answered, and refs only
 * name questions of the served packs (a few dozen each), so `questions` grows
 * with the content, not with the number of answers; `weeks` keeps the last
 * WEEKS_KEPT weeks.
 */
import { weekStart } from '../charts/aggregate.js';
import type { ItemRef } from '../content/refs.js';
import type { Store } from '../storage/store.js';

export interface QuestionStats {
  answered: number;
  correct: number;
}

export interface WeekStats {
  /** Epoch ms of the Monday 00:00 UTC the week starts on (charts' weekStart). */
  start: number;
  answers: number;
}

export interface ClassStats {
  /** Per question ref (`<article>/<id>`): answers and right answers, rounds and practice together. */
  questions: Record<ItemRef, QuestionStats>;
  /** Answers per week, oldest first, only weeks with answers; at most WEEKS_KEPT. */
  weeks: WeekStats[];
  /** How many writes made this value: changes with every answer, so it can key a cached chart. */
  updates: number;
  /** Keys of the last writes that gave one (a round question's reveal), so a reveal done again after a restart counts once; at most KEYS_KEPT. */
  keys: string[];
}

/** Weeks of answer counts kept: the report shows 8, the rest is slack for a longer view later. */
export const WEEKS_KEPT = 12;

/** A reveal is repeated only right after a restart, so the last 50 keys are ample. */
export const KEYS_KEPT = 50;

export const classStatsKey = (guildId: string) => `class-stats:${guildId}`;

export const emptyClassStats = (): ClassStats => ({ questions: {}, weeks: [], updates: 0, keys: [] });

/** A stored value as a full one: parts missing (or malformed) start empty. */
export function readClassStats(stored: Partial<ClassStats> | undefined): ClassStats {
  return {
    questions: stored?.questions && typeof stored.questions === 'object' ? stored.questions : {},
    weeks: Array.isArray(stored?.weeks) ? stored.weeks : [],
    updates: typeof stored?.updates === 'number' ? stored.updates : 0,
    keys: Array.isArray(stored?.keys) ? stored.keys : [],
  };
}

/** Some answers to one question, given at one time (a practice click, or a round question at its reveal). */
export interface ClassAnswers {
  ref: ItemRef;
  answered: number;
  correct: number;
  at: number;
  /** Names this write, e.g. `round:<roundId>:<questionIndex>`: a second write with the same key changes nothing. */
  key?: string;
}

/** The stats with the answers added, or 'already-recorded' for a key seen before (pure; see recordClassAnswers). */
export function applyClassAnswers(current: ClassStats, answers: ClassAnswers): ClassStats | 'already-recorded' {
  if (answers.key !== undefined && current.keys.includes(answers.key)) return 'already-recorded';
  const before = current.questions[answers.ref] ?? { answered: 0, correct: 0 };
  const questions = { ...current.questions, [answers.ref]: { answered: before.answered + answers.answered, correct: before.correct + answers.correct } };
  const start = weekStart(answers.at);
  const weeks = current.weeks.some((w) => w.start === start)
    ? current.weeks.map((w) => (w.start === start ? { start, answers: w.answers + answers.answered } : w))
    : // A late write for an older week (answers can reach the lock slightly out of order) goes in its place.
      [...current.weeks, { start, answers: answers.answered }].sort((a, b) => a.start - b.start);
  const keys = answers.key === undefined ? current.keys : [...current.keys, answers.key].slice(-KEYS_KEPT);
  return { questions, weeks: weeks.slice(-WEEKS_KEPT), updates: current.updates + 1, keys };
}

/**
 * Adds answers to one question to the server's figures, in one locked write
 * of the server's key. Nothing is written for zero answers (a round question
 * no one answered). Callers count each answer once: practice after its tally
 * write said it was new, a round once per question at its reveal, keyed by
 * the round and question (a restart can reveal a question again).
 */
export async function recordClassAnswers(store: Store, guildId: string, answers: ClassAnswers): Promise<void> {
  if (!(answers.answered > 0)) return;
  const correct = Math.max(0, Math.min(answers.correct, answers.answered));
  await store.update<ClassStats>(classStatsKey(guildId), (stored) => {
    const next = applyClassAnswers(readClassStats(stored), { ...answers, correct });
    return next === 'already-recorded' ? stored : next;
  });
}

/** The server's figures; empty when nothing was recorded. */
export async function getClassStats(store: Store, guildId: string): Promise<ClassStats> {
  return readClassStats(await store.get<ClassStats>(classStatsKey(guildId)));
}

/** Deletes the server's figures (part of `/quiz-admin reset`); resolves to whether there were any. */
export async function resetClassStats(store: Store, guildId: string): Promise<boolean> {
  let had = false;
  // Under the key's lock (store.delete does not wait for updates): an answer being recorded lands before or after, whole.
  await store.update<ClassStats>(classStatsKey(guildId), (current) => {
    had = current !== undefined;
    return undefined;
  });
  return had;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Answers per week for the `weeks` weeks ending with the one holding `now`,
 * oldest first, weeks without answers as 0 (the shape the class report draws).
 */
export function lastWeeks(stats: Pick<ClassStats, 'weeks'>, now: number, weeks = 8): WeekStats[] {
  const last = weekStart(now);
  const byStart = new Map(stats.weeks.map((w) => [w.start, w.answers]));
  return Array.from({ length: weeks }, (_, i) => {
    const start = last - (weeks - 1 - i) * WEEK_MS;
    return { start, answers: byStart.get(start) ?? 0 };
  });
}
