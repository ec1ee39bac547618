import type { Store } from '../storage/store.js';

/**
 * Who picked what in a revealed round question, kept so "Why not mine?" can
 * answer after the round is over (and after a restart). Only the last
 * KEPT_ROUNDS rounds of a server are kept; older ones are deleted as new ones
 * are revealed.
 */
export const KEPT_ROUNDS = 20;

export interface QuestionPicks {
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
  await Promise.all(dropped.map((id) => store.delete(roundKey(input.guildId, id))));
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
