import type { BaseInteraction } from 'discord.js';
import type { Library } from '../../content/library.js';
import { normalise } from '../../content/loader.js';
import { preview } from '../../render/text.js';
import { getChoice, resolveArticle, type ResolvedArticle } from '../../articles/choice.js';
import type { Content } from '../../content/types.js';
import type { Context } from '../../context.js';

/** The ids an interaction needs to find its channel's article (a thread also looks at its parent). */
export function whereOf(interaction: BaseInteraction): { guildId: string | null; channelId: string | null; parentId: string | null } {
  const channel = interaction.channel;
  const parentId = channel && 'isThread' in channel && channel.isThread() ? channel.parentId : null;
  return { guildId: interaction.guildId, channelId: interaction.channelId, parentId };
}

/** The article the channel reads, with where the choice came from (see articles/choice.ts). */
export async function resolveHere(ctx: Pick<Context, 'shelf' | 'store'>, where: { guildId: string | null; channelId: string | null; parentId?: string | null }): Promise<ResolvedArticle> {
  const library = ctx.shelf.current;
  // Outside a server (nothing the bot serves today) there is no choice: the first article.
  if (!where.guildId || !where.channelId) return { content: library.first, from: 'first' };
  return resolveArticle(library, await getChoice(ctx.store, where.guildId), where.channelId, where.parentId);
}

/** The article of the interaction's channel. */
export async function articleHere(interaction: BaseInteraction, ctx: Pick<Context, 'shelf' | 'store'>): Promise<Content> {
  return (await resolveHere(ctx, whereOf(interaction))).content;
}

/** Autocomplete for an `article` option: served articles whose id or title contains what was typed. */
export function articleChoices(library: Library, typed: string): Array<{ name: string; value: string }> {
  const q = normalise(typed.trim());
  return library.articles
    .filter((a) => !q || normalise(`${a.id} ${a.title}`).includes(q))
    .slice(0, 25)
    .map((a) => ({ name: preview(`${a.title} (${a.id})`, 100), value: a.id }));
}
