import { itemRef, parseRef } from '../content/refs.js';
import type { Prompt } from '../content/schema.js';
import type { Content } from '../content/types.js';
import type { Store } from '../storage/store.js';

/** One key per guild: which prompts the current round of each article has used. */
export const rotationKey = (guildId: string) => `prompt-rotation:${guildId}`;

interface Rotation {
  /** Refs (`<article>/<id>`) used in the current round of their article, oldest first. */
  used: string[];
}

/**
 * The guild's next prompt from the article: a random one not used yet in the
 * article's round. When every prompt of the article has been used, its round
 * starts again (avoiding the prompt just posted). Refs no longer in their bank
 * are dropped; other articles' refs are kept as they are. Undefined when the
 * article has no prompts.
 */
export async function nextPromptForGuild(
  store: Store,
  guildId: string,
  article: Pick<Content, 'id' | 'prompts'>,
  random: () => number = Math.random,
): Promise<Prompt | undefined> {
  const { prompts } = article;
  if (prompts.length === 0) return undefined;
  let picked: Prompt | undefined;
  await store.update<Rotation>(rotationKey(guildId), (current) => {
    const inBank = new Set<string>(prompts.map((p) => itemRef(article.id, p.id)));
    const others = (current?.used ?? []).filter((ref) => parseRef(ref)?.article !== article.id);
    let used = (current?.used ?? []).filter((ref) => inBank.has(ref)).map((ref) => parseRef(ref)!.id);
    let candidates = prompts.filter((p) => !used.includes(p.id));
    if (candidates.length === 0) {
      const last = used.at(-1);
      used = [];
      candidates = prompts.length > 1 ? prompts.filter((p) => p.id !== last) : [...prompts];
    }
    picked = candidates[Math.floor(random() * candidates.length)] ?? candidates[0]!;
    return { used: [...others, ...[...used, picked.id].map((id) => itemRef(article.id, id))] };
  });
  return picked;
}
