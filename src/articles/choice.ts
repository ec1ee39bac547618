import type { Library } from '../content/library.js';
import type { Content } from '../content/types.js';
import type { Store } from '../storage/store.js';

/**
 * Which article a server reads where: a server default and per-channel
 * choices, in one key per server so a change and a listing see the same record.
 * Ids that are no longer in the library are kept (the pack may come back after
 * a fix) and skipped when resolving.
 */
export interface ArticleChoice {
  server?: string;
  channels: Record<string, string>;
}

export const articleChoiceKey = (guildId: string) => `article-choice:${guildId}`;

export async function getChoice(store: Store, guildId: string): Promise<ArticleChoice> {
  return (await store.get<ArticleChoice>(articleChoiceKey(guildId))) ?? { channels: {} };
}

export type ChoiceScope = { scope: 'channel'; channelId: string } | { scope: 'server' };

/** Sets the article of a channel, or the server default. */
export async function setChoice(store: Store, guildId: string, articleId: string, where: ChoiceScope): Promise<ArticleChoice> {
  const next = await store.update<ArticleChoice>(articleChoiceKey(guildId), (current) => {
    const choice: ArticleChoice = { ...current, channels: { ...current?.channels } };
    if (where.scope === 'server') choice.server = articleId;
    else choice.channels[where.channelId] = articleId;
    return choice;
  });
  return next!;
}

/** Drops a channel's choice (the channel was deleted, say); the server default then applies. */
export async function clearChannelChoice(store: Store, guildId: string, channelId: string): Promise<void> {
  await store.update<ArticleChoice>(articleChoiceKey(guildId), (current) => {
    if (!current || !(channelId in current.channels)) return current;
    const channels = { ...current.channels };
    delete channels[channelId];
    return { ...current, channels };
  });
}

export type ResolvedFrom = 'channel' | 'parent' | 'server' | 'first';

export interface ResolvedArticle {
  content: Content;
  from: ResolvedFrom;
  /** A choice that named an article no longer served (and was passed over). */
  missing?: string;
}

/**
 * The article a channel reads: its own choice; in a thread, its parent
 * channel's; else the server default; else the library's first article.
 */
export function resolveArticle(library: Library, choice: ArticleChoice, channelId: string, parentId?: string | null): ResolvedArticle {
  const candidates: Array<[string | undefined, ResolvedFrom]> = [
    [choice.channels[channelId], 'channel'],
    [parentId ? choice.channels[parentId] : undefined, 'parent'],
    [choice.server, 'server'],
  ];
  let missing: string | undefined;
  for (const [id, from] of candidates) {
    if (id === undefined) continue;
    const content = library.article(id);
    if (content) return missing ? { content, from, missing } : { content, from };
    missing ??= id;
  }
  return missing ? { content: library.first, from: 'first', missing } : { content: library.first, from: 'first' };
}

/** The channels (of those with a choice) that read each article, with the server default resolved for the rest. */
export function channelsByArticle(library: Library, choice: ArticleChoice): Map<string, string[]> {
  const out = new Map<string, string[]>(library.articles.map((a) => [a.id, []]));
  for (const [channelId, id] of Object.entries(choice.channels)) {
    const content = library.article(id) ?? library.article(choice.server ?? '') ?? library.first;
    out.get(content.id)!.push(channelId);
  }
  return out;
}
