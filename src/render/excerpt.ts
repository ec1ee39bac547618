import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import type { Content, Paragraph } from '../content/types.js';
import { loadedTermsNote, sourcingNote } from './sourcing.js';
import { blockQuote, fit } from './text.js';

type ExcerptMessage = ReturnType<typeof buildExcerpt>;
const rendered = new WeakMap<Content, Map<number, ExcerptMessage>>();

/**
 * One paragraph as a quotation with its place in the article and its sourcing
 * notes. The pack is read-only, so each paragraph is rendered once, as JSON.
 */
export type PageId = (n: number, disabled: boolean) => string;

export function renderExcerpt(content: Content, paragraph: Paragraph, pageId: PageId): ExcerptMessage {
  let byNumber = rendered.get(content);
  if (!byNumber) rendered.set(content, (byNumber = new Map()));
  let message = byNumber.get(paragraph.n);
  if (!message) byNumber.set(paragraph.n, (message = buildExcerpt(content, paragraph, pageId)));
  return message;
}

function buildExcerpt(content: Content, paragraph: Paragraph, pageId: PageId) {
  const total = content.paragraphs.length;
  const attribution = content.attribution(paragraph.n);
  const embed = new EmbedBuilder()
    .setTitle(fit(`¶${paragraph.n} of ${total}${paragraph.heading ? ` · under “${paragraph.heading}”` : ' · opening section'}`, 256))
    .setDescription(fit(blockQuote(paragraph.text), 4096))
    .addFields({ name: 'Who says so?', value: fit(sourcingNote(attribution), 1024) });
  const loaded = loadedTermsNote(attribution);
  if (loaded) embed.addFields({ name: 'Loaded wording', value: fit(loaded, 1024) });
  embed.setFooter({ text: fit(content.title, 2048) });

  const nav = new ActionRowBuilder<ButtonBuilder>().addComponents(
    pageButton(pageId, paragraph.n - 1, `◀ ¶${paragraph.n - 1}`, paragraph.n <= 1),
    pageButton(pageId, paragraph.n + 1, `¶${paragraph.n + 1} ▶`, paragraph.n >= total),
  );
  return { embeds: [embed.toJSON()], components: [nav.toJSON()] };
}

function pageButton(pageId: PageId, n: number, label: string, disabled: boolean): ButtonBuilder {
  return new ButtonBuilder()
    .setCustomId(pageId(Math.max(1, n), disabled))
    .setLabel(disabled ? (n < 1 ? '◀' : '▶') : label)
    .setStyle(ButtonStyle.Secondary)
    .setDisabled(disabled);
}
