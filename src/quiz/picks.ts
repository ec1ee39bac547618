import type { Store } from '../storage/store.js';

/**
 * Who picked what in a revealed round question, kept so "Why not mine?" can
 * answer after the round is over (and after a restart). Only the last
 * KEPT_ROUNDS rounds of a server are kept; older ones are deleted as new ones
 * are revealed.
 */
export const KEPT_ROUNDS = 20;

export interface QuestionPicks {
  /** The article id; the data migration gives older entries the article they were asked from. */
  article: string;
  questionId: string;
  /** Option ids in the order the round showed them, so the answer can name the letter the user saw. */
  order: string[];
  /** userId -> option id. */
  picks: Record<string, string>;
}

interface RoundPicks {
  at: number;
  questions: Record<string, QuestionPicks>;
}

export const roundPicksPrefix = (guildId: string) => `round-picks:${guildId}:`;
const roundKey = (guildId: string, roundId: string) => `${roundPicksPrefix(guildId)}${roundId}`;
export const roundPicksIndexKey = (guildId: string) => `round-picks-index:${guildId}`;

export async function savePicks(store: Store, input: { guildId: string; roundId: string; questionIndex: number; at: number; entry: QuestionPicks }): Promise<void> {
  let created = false;
  await store.update<RoundPicks>(roundKey(input.guildId, input.roundId), (current) => {
    created = current === undefined;
    return { at: current?.at ?? input.at, questions: { ...current?.questions, [input.questionIndex]: input.entry } };
  });
  if (!created) return;
  let dropped: string[] = [];
  await store.update<string[]>(roundPicksIndexKey(input.guildId), (ids = []) => {
    const next = [...ids.filter((id) => id !== input.roundId), input.roundId];
    dropped = next.slice(0, Math.max(0, next.length - KEPT_ROUNDS));
    return next.slice(-KEPT_ROUNDS);
  });
  // Through update, not delete: a forget editing the same round holds its lock, and must not write it back after it is gone.
  await Promise.all(dropped.map((id) => store.update(roundKey(input.guildId, id), () => undefined)));
}

export type PickLookup =
  | { kind: 'unknown' }
  | { kind: 'not-answered'; entry: QuestionPicks }
  | { kind: 'picked'; entry: QuestionPicks; optionId: string };

export async function findPick(store: Store, guildId: string, roundId: string, questionIndex: number, userId: string): Promise<PickLookup> {
  const round = await store.get<RoundPicks>(roundKey(guildId, roundId));
  const entry = round?.questions[questionIndex];
  if (!entry) return { kind: 'unknown' };
  const optionId = entry.picks[userId];
  return optionId === undefined ? { kind: 'not-answered', entry } : { kind: 'picked', entry, optionId };
}

const pickedIn = (round: RoundPicks | undefined, userId: string) => Object.values(round?.questions ?? {}).some((q) => Object.hasOwn(q.picks, userId));

/** Ids of the kept rounds in which the user picked an option. */
export async function roundsPickedBy(store: Store, guildId: string, userId: string): Promise<string[]> {
  const prefix = roundPicksPrefix(guildId);
  return (await store.scan<RoundPicks>(prefix)).filter(([, round]) => pickedIn(round, userId)).map(([key]) => key.slice(prefix.length));
}

/**
 * Removes the user's picks from every kept round of the guild, leaving
 * everyone else's; resolves to the ids of the rounds that had some. A round is
 * found by scanning, not through the index, so one the index lost is cleaned too.
 */
export async function forgetPicks(store: Store, guildId: string, userId: string): Promise<string[]> {
  const changed: string[] = [];
  for (const roundId of await roundsPickedBy(store, guildId, userId)) {
    let had = false;
    await store.update<RoundPicks>(roundKey(guildId, roundId), (round) => {
      had = pickedIn(round, userId);
      if (!round || !had) return round;
      const questions = Object.fromEntries(
        Object.entries(round.questions).map(([index, q]) => {
          const { [userId]: _removed, ...picks } = q.picks;
          return [index, { ...q, picks }];
        }),
      );
      return { ...round, questions };
    });
    if (had) changed.push(roundId);
  }
  return changed;
}
