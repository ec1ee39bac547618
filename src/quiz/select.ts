import type { Category, Question } from '../content/schema.js';
import type { Store } from '../storage/store.js';
import { shuffled } from './shuffle.js';

export const SEEN_LIMIT = 50;
export const seenKey = (channelId: string) => `seen:${channelId}`;

export interface PickOptions {
  count: number;
  category?: Category | undefined;
  difficulty?: 1 | 2 | 3 | undefined;
  /** Question ids the channel saw recently, oldest first (as rememberSeen keeps them). */
  recent: readonly string[];
  /** Returns [0, 1); Math.random by default. */
  rng?: () => number;
}

/**
 * Up to `count` distinct questions: never-seen ones first (random order), then
 * the least recently seen. Returns fewer when the filter leaves fewer.
 */
export function pickQuestions(bank: readonly Question[], options: PickOptions): Question[] {
  const { count, category, difficulty, recent, rng = Math.random } = options;
  const lastSeen = new Map<string, number>();
  recent.forEach((id, i) => lastSeen.set(id, i)); // a later repeat overwrites: the most recent sighting counts
  const byId = new Map<string, Question>();
  for (const q of bank) {
    if ((category === undefined || q.category === category) && (difficulty === undefined || q.difficulty === difficulty) && !byId.has(q.id)) byId.set(q.id, q);
  }
  const pool = shuffled([...byId.values()], rng);
  // Stable sort after the shuffle keeps equals (all the unseen) in random order.
  const rank = (q: Question) => lastSeen.get(q.id) ?? -1;
  pool.sort((a, b) => rank(a) - rank(b));
  return pool.slice(0, Math.max(0, count));
}

export async function getSeen(store: Store, channelId: string): Promise<string[]> {
  return (await store.get<string[]>(seenKey(channelId))) ?? [];
}

/** Appends ids to the channel's recent list (moving repeats to the end), keeping the last SEEN_LIMIT. */
export async function rememberSeen(store: Store, channelId: string, ids: readonly string[]): Promise<string[]> {
  const fresh = new Set(ids);
  const next = await store.update<string[]>(seenKey(channelId), (current = []) =>
    [...current.filter((id) => !fresh.has(id)), ...fresh].slice(-SEEN_LIMIT),
  );
  return next ?? [];
}
