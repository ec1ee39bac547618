import { MessageFlags } from 'discord.js';
import type { Content, Paragraph } from '../content/types.js';
import { UserError } from '../errors.js';
import { renderExcerpt } from '../render/excerpt.js';
import { ARTICLE_ID_MAX } from '../content/schema.js';
import { encode, int, parts, slug } from './lib/codec.js';
import type { ComponentHandler } from './lib/types.js';

/**
 * `excerpt:a:<article>:<paragraph>`; a disabled end button adds `:x`, as custom
 * ids in one message must differ. Buttons posted before several articles were
 * served read `excerpt:p:<paragraph>[:x]` and page through the first article,
 * the only one served then.
 */
const PREFIX = 'excerpt';
export const MAX_PAGE = 9999;

export type ExcerptPage = { article: string | null; page: number };

export function decodeExcerptPage(raw: unknown): ExcerptPage | null {
  const p = parts(raw, PREFIX);
  if (!p) return null;
  const [kind, ...rest] = p;
  const article = kind === 'a' ? slug(rest.shift(), ARTICLE_ID_MAX) : kind === 'p' ? null : undefined;
  if (article === undefined || (kind === 'a' && article === null)) return null;
  if (rest.length < 1 || rest.length > 2 || (rest.length === 2 && rest[1] !== 'x')) return null;
  const page = int(rest[0], 1, MAX_PAGE);
  return page === null ? null : { article, page };
}

export const encodeExcerptPage = (article: string, page: number, disabled = false): string =>
  encode(PREFIX, ['a', article, page, ...(disabled ? ['x'] : [])], decodeExcerptPage, (back) => back.page === page && back.article === article);

/** A paragraph as posted by /excerpt and its paging buttons. */
export const excerptMessage = (content: Content, paragraph: Paragraph) =>
  renderExcerpt(content, paragraph, (page, disabled) => encodeExcerptPage(content.id, page, disabled));

/** "◀ ¶4" / "¶6 ▶": the clicker alone sees the neighbouring paragraph of the same article; the public post stays. */
export const excerptPaging: ComponentHandler = {
  prefix: PREFIX,
  async handle(interaction, ctx) {
    const id = decodeExcerptPage(interaction.customId);
    const library = ctx.shelf.current;
    const content = id && (id.article === null ? library.first : library.article(id.article));
    if (id && !content) throw new UserError('That article is no longer served here. `/article list` shows the ones that are.');
    const paragraph = id ? content?.paragraph(id.page) : undefined;
    if (!content || !paragraph) throw new UserError('That paragraph does not exist in the article.');
    await interaction.reply({ ...excerptMessage(content, paragraph), flags: MessageFlags.Ephemeral });
  },
};
