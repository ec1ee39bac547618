import { MessageFlags } from 'discord.js';
import type { Content, Paragraph } from '../content/types.js';
import { UserError } from '../errors.js';
import { renderExcerpt } from '../render/excerpt.js';
import { encode, int, parts } from './lib/codec.js';
import type { ComponentHandler } from './lib/types.js';

/** `excerpt:p:<paragraph>`; a disabled end button adds `:x`, as custom ids in one message must differ. */
const PREFIX = 'excerpt';
export const MAX_PAGE = 9999;

export function decodeExcerptPage(raw: unknown): { page: number } | null {
  const p = parts(raw, PREFIX);
  if (!p || p[0] !== 'p' || p.length < 2 || p.length > 3 || (p.length === 3 && p[2] !== 'x')) return null;
  const page = int(p[1], 1, MAX_PAGE);
  return page === null ? null : { page };
}

export const encodeExcerptPage = (page: number, disabled = false): string =>
  encode(PREFIX, disabled ? ['p', page, 'x'] : ['p', page], decodeExcerptPage, (back) => back.page === page);

/** A paragraph as posted by /excerpt and its paging buttons. */
export const excerptMessage = (content: Content, paragraph: Paragraph) => renderExcerpt(content, paragraph, encodeExcerptPage);

/** "◀ ¶4" / "¶6 ▶": the clicker alone sees the neighbouring paragraph; the public post stays. */
export const excerptPaging: ComponentHandler = {
  prefix: PREFIX,
  async handle(interaction, ctx) {
    const id = decodeExcerptPage(interaction.customId);
    const paragraph = id ? ctx.content.paragraph(id.page) : undefined;
    if (!paragraph) throw new UserError('That paragraph does not exist in the article.');
    await interaction.reply({ ...excerptMessage(ctx.content, paragraph), flags: MessageFlags.Ephemeral });
  },
};
