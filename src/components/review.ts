import { MessageFlags, type Message, type MessageComponentInteraction } from 'discord.js';
import { itemRef, parseRef } from '../content/refs.js';
import { ARTICLE_ID_MAX } from '../content/schema.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { recordLearning, reviewList } from '../learning/record.js';
import type { ReviewEntry } from '../learning/state.js';
import { inOrder, presentationOrder } from '../quiz/shuffle.js';
import { renderPracticeFeedback } from '../render/quiz.js';
import { EMPTY_REVIEW, renderRetryQuestion, renderReviewGone, renderReviewPage } from '../render/review.js';
import { encode, int, parts, sameFields, slug } from './lib/codec.js';
import type { ComponentHandler } from './lib/types.js';
import { hasButton } from './practice.js';
import { OPTION_ID_MAX } from './quiz-round.js';

/**
 * The review list's buttons:
 * - `review:p:<user>:<index>` shows entry `index` (◀ ▶, and "Back to review");
 * - `review:t:<user>:<article>:<question>` asks the question again ("Try again");
 * - `review:a:<article>:<question>:<option>` answers a retry.
 * Paging and "Try again" name the list's owner: the list is read for that
 * user only, so an id forged by someone else is refused. A retry's answer does
 * not fit a user id in 100 characters; it is refused unless the question is on
 * the clicker's own list. The longest id is 95 characters.
 */
const PREFIX = 'review';
const QUESTION_ID_MAX = 40;
const USER_ID = /^[1-9][0-9]{16,19}$/; // a Discord snowflake
const MAX_INDEX = 24; // REVIEW_LIMIT - 1

export type ReviewButton =
  | { kind: 'page'; userId: string; index: number }
  | { kind: 'retry'; userId: string; article: string; questionId: string }
  | { kind: 'answer'; article: string; questionId: string; optionId: string };

export function decodeReviewButton(raw: unknown): ReviewButton | null {
  const p = parts(raw, PREFIX);
  if (!p) return null;
  const [kind, ...rest] = p;
  if (kind === 'p' || kind === 't') {
    const userId = rest[0] ?? '';
    if (!USER_ID.test(userId)) return null;
    if (kind === 'p') {
      const index = int(rest[1], 0, MAX_INDEX);
      return rest.length === 2 && index !== null ? { kind: 'page', userId, index } : null;
    }
    const article = slug(rest[1], ARTICLE_ID_MAX);
    const questionId = slug(rest[2], QUESTION_ID_MAX);
    return rest.length === 3 && article !== null && questionId !== null ? { kind: 'retry', userId, article, questionId } : null;
  }
  if (kind !== 'a' || rest.length !== 3) return null;
  const article = slug(rest[0], ARTICLE_ID_MAX);
  const questionId = slug(rest[1], QUESTION_ID_MAX);
  const optionId = slug(rest[2], OPTION_ID_MAX);
  return article !== null && questionId !== null && optionId !== null ? { kind: 'answer', article, questionId, optionId } : null;
}

export function encodeReviewButton(id: ReviewButton): string {
  const values =
    id.kind === 'page'
      ? ['p', id.userId, id.index]
      : id.kind === 'retry'
        ? ['t', id.userId, id.article, id.questionId]
        : ['a', id.article, id.questionId, id.optionId];
  return encode(PREFIX, values, decodeReviewButton, (back) => sameFields(back, id));
}

/** Names a retry's answer in the learning record: one per retry message, so a double click counts once. */
const retryAnswerKey = (messageId: string) => `review:${messageId}`;

/** The page of the user's review list at `index` (clamped: the list may have changed since the button was drawn). */
export async function reviewPage(ctx: Context, guildId: string, userId: string, wanted: number) {
  const list = await reviewList(ctx.store, guildId, userId);
  if (list.length === 0) return { content: EMPTY_REVIEW, embeds: [], components: [] };
  const index = Math.min(Math.max(wanted, 0), list.length - 1);
  const entry = list[index]!;
  const position = { index, total: list.length };
  const page = (i: number) => encodeReviewButton({ kind: 'page', userId, index: i });
  const paging = list.length > 1 ? { previous: page(Math.max(index - 1, 0)), next: page(Math.min(index + 1, list.length - 1)) } : {};
  const found = served(ctx, entry);
  if (!found.question) return { content: '', ...renderReviewGone(entry, found.article !== undefined, position, paging) };
  const retry = encodeReviewButton({ kind: 'retry', userId, article: found.article!.id, questionId: found.question.id });
  return { content: '', ...renderReviewPage(found.article!, found.question, entry, position, { ...paging, retry }) };
}

function served(ctx: Context, entry: Pick<ReviewEntry, 'ref'>) {
  const ref = parseRef(entry.ref);
  const article = ref ? ctx.shelf.current.article(ref.article) : undefined;
  return { article, question: ref ? article?.question(ref.id) : undefined };
}

const NOT_ON_LIST = 'That question is no longer on your review list: you have answered it right since, or the records were cleared. See `/quiz review`.';
const NOT_YOURS = 'These buttons belong to someone else’s review list. Use `/quiz review` to see yours.';

/** The option order a retry message showed, read back from its buttons. */
function shownOrder(message: Message, question: NonNullable<ReturnType<typeof served>['question']>) {
  const ids: string[] = [];
  for (const row of message.components as ReadonlyArray<{ components?: ReadonlyArray<{ customId?: string | null }> }>) {
    for (const button of row.components ?? []) {
      const id = decodeReviewButton(button.customId);
      if (id?.kind === 'answer' && id.questionId === question.id) ids.push(id.optionId);
    }
  }
  return inOrder(question, ids) ?? question.options;
}

async function answerRetry(interaction: MessageComponentInteraction<'cached'>, ctx: Context, id: Extract<ReviewButton, { kind: 'answer' }>) {
  const ref = itemRef(id.article, id.questionId);
  const { article, question } = served(ctx, { ref });
  if (!article || !question?.options.some((o) => o.id === id.optionId)) throw new UserError('That question is no longer served here, so it cannot be tried again.');
  if (!hasButton(interaction.message, interaction.customId)) throw new UserError('This button is no longer active.');
  const list = await reviewList(ctx.store, interaction.guildId, interaction.user.id);
  if (!list.some((e) => e.ref === ref)) throw new UserError(NOT_ON_LIST);
  const correct = question.options.some((o) => o.id === id.optionId && o.correct);
  const result = await recordLearning(ctx.store, {
    guildId: interaction.guildId,
    userId: interaction.user.id,
    ref,
    optionId: id.optionId,
    correct,
    source: 'practice',
    at: ctx.clock.now(),
    answerKey: retryAnswerKey(interaction.message.id),
  });
  if (result.kind === 'already-recorded') throw new UserError('You have already answered this retry. Use **Try again** in `/quiz review` for another go.');
  const ids = {
    answer: (optionId: string) => encodeReviewButton({ kind: 'answer', article: article.id, questionId: question.id, optionId }),
    next: encodeReviewButton({ kind: 'page', userId: interaction.user.id, index: 0 }),
  };
  const note = result.reviewed ? 'Right this time: it leaves your review list.' : 'Not this time: it stays on your review list, and comes back in practice tomorrow.';
  await interaction.update(renderPracticeFeedback(article, question, shownOrder(interaction.message, question), id.optionId, ids, { titlePrefix: 'Review', nextLabel: 'Back to review', note }));
}

export const reviewButtons: ComponentHandler = {
  prefix: PREFIX,
  async handle(interaction, ctx) {
    const id = decodeReviewButton(interaction.customId);
    if (!id) throw new UserError('This button is no longer active.');
    if (id.kind === 'answer') return answerRetry(interaction, ctx, id);
    if (id.userId !== interaction.user.id) throw new UserError(NOT_YOURS);
    if (id.kind === 'page') {
      const page = await reviewPage(ctx, interaction.guildId, id.userId, id.index);
      // "Back to review" under a retry's feedback opens the list in a new message; ◀ ▶ turn the page in place.
      if (interaction.message.embeds[0]?.author?.name?.startsWith('Review ')) await interaction.update(page);
      else await interaction.reply({ ...page, flags: MessageFlags.Ephemeral });
      return;
    }
    const ref = itemRef(id.article, id.questionId);
    const list = await reviewList(ctx.store, interaction.guildId, id.userId);
    if (!list.some((e) => e.ref === ref)) throw new UserError(NOT_ON_LIST);
    const { question } = served(ctx, { ref });
    if (!question) throw new UserError('That question is no longer served here, so it cannot be tried again.');
    const shown = inOrder(question, presentationOrder(question))!;
    const answerId = (optionId: string) => encodeReviewButton({ kind: 'answer', article: id.article, questionId: question.id, optionId });
    await interaction.reply({ ...renderRetryQuestion(question, shown, answerId), flags: MessageFlags.Ephemeral });
  },
};
