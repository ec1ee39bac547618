import type { Category, Question } from '../content/schema.js';
import { parseRef } from '../content/refs.js';
import type { Store } from '../storage/store.js';
import { shuffled } from './shuffle.js';

export const SEEN_LIMIT = 50;

/**
 * Recently seen questions as refs (`<article>/<id>`), oldest first: one list per
 * channel for public rounds, one per user of a guild for practice. One list
 * serves every article: a channel that changes article and comes back still
 * remembers what it saw.
 */
export const channelSeenPrefix = (guildId: string) => `seen:channel:${guildId}:`;
export const channelSeenKey = (guildId: string, channelId: string) => `${channelSeenPrefix(guildId)}${channelId}`;
export const practiceSeenPrefix = (guildId: string) => `seen:practice:${guildId}:`;
export const practiceSeenKey = (guildId: string, userId: string) => `${practiceSeenPrefix(guildId)}${userId}`;
/**
 * Where a channel's list was kept before the lists were keyed by guild. Still
 * read when the new key has none, and deleted once the list is written anew.
 */
export const legacyChannelSeenKey = (channelId: string) => `seen:${channelId}`;

/** The ids of the refs that belong to the article, order kept: what pickQuestions takes as `recent`. */
export function seenIn(article: string, refs: readonly string[]): string[] {
  return refs.flatMap((ref) => {
    const parsed = parseRef(ref);
    return parsed?.article === article ? [parsed.id] : [];
  });
}

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

/** The list at `key`, else the one at `legacyKey`. */
export async function getSeen(store: Store, key: string, legacyKey?: string): Promise<string[]> {
  return (await store.get<string[]>(key)) ?? (legacyKey ? await store.get<string[]>(legacyKey) : undefined) ?? [];
}

/**
 * Appends ids to the list at `key` (moving repeats to the end), keeping the last
 * SEEN_LIMIT. A list still at `legacyKey` is carried over and its old key deleted.
 */
export async function rememberSeen(store: Store, key: string, ids: readonly string[], legacyKey?: string): Promise<string[]> {
  const fresh = new Set(ids);
  let carried = false;
  const next = await store.update<string[]>(key, async (current) => {
    const legacy = current === undefined && legacyKey ? await store.get<string[]>(legacyKey) : undefined;
    carried = legacy !== undefined;
    return [...(current ?? legacy ?? []).filter((id) => !fresh.has(id)), ...fresh].slice(-SEEN_LIMIT);
  });
  if (carried && legacyKey) await store.delete(legacyKey);
  return next ?? [];
}
