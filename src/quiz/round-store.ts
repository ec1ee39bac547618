import type { Store } from '../storage/store.js';
import type { RoundState } from './round.js';

/**
 * Running rounds in storage, so a restart (or a shard's process started
 * again) goes on with them. The round itself is written at each step (start,
 * each question posted, each reveal) under `round:<guild>:<round>`; each
 * accepted click of the open question is its own small key,
 * `round-answer:<guild>:<round>:<question>:<user>`, written before the click is
 * acknowledged: one fixed-size write per click, however many answer. Only the
 * process that owns the guild writes them (one process per shard serves a
 * guild), so they need no lock across processes.
 */
export interface StoredRound extends RoundState {
  /** When the open question closes, epoch ms. */
  closesAt?: number;
  /** The open (or last) question's message, once posted. */
  messageId?: string;
}

export const liveRoundPrefix = (guildId: string) => `round:${guildId}:`;
export const roundAnswerPrefix = (guildId: string) => `round-answer:${guildId}:`;
const roundKey = (guildId: string, roundId: string) => `${liveRoundPrefix(guildId)}${roundId}`;
const answersOf = (guildId: string, roundId: string, question?: number) => `${roundAnswerPrefix(guildId)}${roundId}:${question === undefined ? '' : `${question}:`}`;

export const saveRound = (store: Store, round: StoredRound) => store.set(roundKey(round.guildId, round.id), round);

export async function saveAnswer(store: Store, a: { guildId: string; roundId: string; question: number; userId: string; optionId: string }): Promise<void> {
  await store.set(`${answersOf(a.guildId, a.roundId, a.question)}${a.userId}`, a.optionId);
}

export async function dropAnswer(store: Store, a: { guildId: string; roundId: string; question: number; userId: string }): Promise<void> {
  await store.delete(`${answersOf(a.guildId, a.roundId, a.question)}${a.userId}`);
}

/** The question's stored answers, user id → option id. */
export async function loadAnswers(store: Store, guildId: string, roundId: string, question: number): Promise<Map<string, string>> {
  const prefix = answersOf(guildId, roundId, question);
  return new Map((await store.scan<string>(prefix)).map(([key, optionId]) => [key.slice(prefix.length), optionId]));
}

/** After the reveal, the question's answers live on in the kept picks and the scores. */
export const dropQuestionAnswers = (store: Store, guildId: string, roundId: string, question: number) => store.deletePrefix(answersOf(guildId, roundId, question));

export async function deleteRound(store: Store, guildId: string, roundId: string): Promise<void> {
  await store.deletePrefix(answersOf(guildId, roundId));
  await store.delete(roundKey(guildId, roundId));
}

/** Every stored running round (all guilds; the caller keeps those it serves). */
export async function loadRounds(store: Store): Promise<StoredRound[]> {
  return (await store.scan<StoredRound>('round:')).map(([, round]) => round).filter((r) => typeof r?.id === 'string' && typeof r.guildId === 'string');
}
