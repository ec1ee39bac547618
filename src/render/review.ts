import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, time, TimestampStyles } from 'discord.js';
import type { Option, Question } from '../content/schema.js';
import type { Content } from '../content/types.js';
import type { ReviewEntry } from '../learning/state.js';
import { answerLine, citation, heading, letter, letterButtons, optionLines } from './quiz.js';
import { fit } from './text.js';

export const EMPTY_REVIEW =
  'Nothing to review: you have no missed questions waiting in this server. Keep going with `/quiz practice`: a question you miss comes back here, and in practice a day later.';

export interface ReviewPageIds {
  /** Ids of ◀ and ▶ (undefined when the list has one entry); `first`/`last` say which is disabled. */
  previous?: string | undefined;
  next?: string | undefined;
  /** "Try again", or undefined when the question is no longer served. */
  retry?: string | undefined;
}

function pager(index: number, total: number, ids: ReviewPageIds) {
  const row = new ActionRowBuilder<ButtonBuilder>();
  if (ids.previous && ids.next) {
    row.addComponents(
      new ButtonBuilder().setCustomId(ids.previous).setLabel('◀').setStyle(ButtonStyle.Secondary).setDisabled(index === 0),
      new ButtonBuilder().setCustomId(ids.next).setLabel('▶').setStyle(ButtonStyle.Secondary).setDisabled(index === total - 1),
    );
  }
  if (ids.retry) row.addComponents(new ButtonBuilder().setCustomId(ids.retry).setLabel('Try again').setStyle(ButtonStyle.Primary));
  return row.components.length > 0 ? [row] : [];
}

const where = (entry: ReviewEntry) => `Missed ${entry.source === 'round' ? 'in a round' : 'in practice'} ${time(Math.floor(entry.at / 1000), TimestampStyles.RelativeTime)}`;

/**
 * One entry of the review list: the question, the pick and why it is not it,
 * the answer with its explanation and the sentence it rests on. Options are
 * in the question's own order (the order they were shown in is not kept).
 */
export function renderReviewPage(content: Content, question: Question, entry: ReviewEntry, position: { index: number; total: number }, ids: ReviewPageIds) {
  const shown = question.options;
  const picked = shown.findIndex((o) => o.id === entry.optionId);
  const correct = shown.findIndex((o) => o.correct);
  const embed = new EmbedBuilder()
    .setAuthor({ name: `Review ${position.index + 1} of ${position.total}` })
    .setTitle(fit(heading(question), 256))
    .setDescription(fit(`${question.prompt}\n\n${optionLines(shown)}\n\n${where(entry)}`, 4096));
  const pick = shown[picked];
  if (pick) embed.addFields({ name: `You picked ${letter(picked)}`, value: fit(`${pick.text}${pick.why ? `\n${pick.why}` : ''}`, 1024) });
  embed.addFields(
    { name: `The answer: ${letter(correct)}`, value: fit(answerLine(shown), 1024) },
    { name: 'Why', value: fit(question.explanation, 1024) },
    { name: 'From the article', value: fit(citation(question, content), 1024) },
  );
  embed.setFooter({ text: 'Only you can see this. Try again: a right answer takes it off your list.' });
  return { embeds: [embed], components: pager(position.index, position.total, ids) };
}

/** An entry whose article (or question) is no longer served: it cannot be shown or tried again. */
export function renderReviewGone(entry: ReviewEntry, articleServed: boolean, position: { index: number; total: number }, ids: ReviewPageIds) {
  const what = articleServed
    ? `This question was removed from its article (\`${fit(entry.ref, 80)}\`), so it cannot be shown or tried again.`
    : `This question is from an article no longer served here (\`${fit(entry.ref.split('/')[0] ?? entry.ref, 40)}\`), so it cannot be shown or tried again.`;
  const embed = new EmbedBuilder()
    .setAuthor({ name: `Review ${position.index + 1} of ${position.total}` })
    .setTitle('No longer served')
    .setDescription(`${what} It leaves the list as newer misses push it out.\n\n${where(entry)}`);
  return { embeds: [embed], components: pager(position.index, position.total, { ...ids, retry: undefined }) };
}

/** "Try again": the question afresh, options in a new order. */
export function renderRetryQuestion(question: Question, shown: readonly Option[], answerId: (optionId: string) => string) {
  const embed = new EmbedBuilder()
    .setAuthor({ name: 'Try again' })
    .setTitle(fit(`Review · ${heading(question)}`, 256))
    .setDescription(fit(`${question.prompt}\n\n${optionLines(shown)}`, 4096))
    .setFooter({ text: 'Only you can see this. A right answer takes it off your review list; retries do not count in your tallies.' });
  return { embeds: [embed], components: [letterButtons(shown, answerId)] };
}
