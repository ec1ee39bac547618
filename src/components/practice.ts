import { MessageFlags, type Message, type MessageComponentInteraction } from 'discord.js';
import { CATEGORIES, type Category, type Question } from '../content/schema.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { nextPracticeQuestion, recordPracticeAnswer } from '../quiz/practice.js';
import { inOrder, presentationOrder } from '../quiz/shuffle.js';
import { PRACTICE_KIND_LABELS, renderPracticeConfidence, renderPracticeFeedback, renderPracticeQuestion } from '../render/quiz.js';
import type { PracticeKind } from '../learning/boxes.js';
import { rateConfidence, recordLearning } from '../learning/record.js';
import { getTally } from '../quiz/tallies.js';
import { itemRef } from '../content/refs.js';
import type { ConfidenceChoice } from '../render/confidence.js';
import { encodeConfidenceButton, type PracticeConfidence } from './confidence.js';
import { articleHere } from '../commands/lib/article.js';
import { ARTICLE_ID_MAX } from '../content/schema.js';
import type { Content } from '../content/types.js';
import { noQuestionsYet } from '../render/articles.js';
import { encode, parts, sameFields, slug } from './lib/codec.js';
import type { ComponentHandler } from './lib/types.js';

/**
 * `practice:q:<article>:<question id>:<option id>:<skill>` answers a private
 * practice question; `practice:m:<article>:<skill>` asks the next one. The
 * skill (its index in CATEGORIES, or `a` for all: Discord caps custom ids at
 * 100 characters) travels along so "Next question" stays in the learner's
 * choice, and the article so practice stays on the article it started on.
 * Buttons posted before several articles were served (`practice:a:<question
 * id>:<option id>:<skill name|all>`, `practice:n:<skill name|all>`) are still
 * read, as questions of the first article, the only one served then.
 */
const PREFIX = 'practice';
const QUESTION_ID_MAX = 40; // content ids are at most 40 characters
const OPTION_ID_MAX = 20;

export type PracticeButton =
  | { kind: 'answer'; article: string | null; questionId: string; optionId: string; category: Category | null }
  | { kind: 'next'; article: string | null; category: Category | null };

/** A category, null for all of them, undefined when forged. */
const categoryName = (text: string | undefined): Category | null | undefined => (text === 'all' ? null : CATEGORIES.find((c) => c === text));
export const categoryCode = (text: string | undefined): Category | null | undefined => (text === 'a' ? null : text !== undefined && /^[0-9]$/.test(text) ? CATEGORIES[Number(text)] : undefined);
export const codeOf = (category: Category | null) => (category === null ? 'a' : String(CATEGORIES.indexOf(category)));

export function decodePracticeButton(raw: unknown): PracticeButton | null {
  const p = parts(raw, PREFIX);
  if (!p) return null;
  const [kind, ...rest] = p;
  let article: string | null = null;
  if (kind === 'q' || kind === 'm') {
    article = slug(rest.shift(), ARTICLE_ID_MAX);
    if (article === null) return null;
  } else if (kind !== 'a' && kind !== 'n') return null;
  const category = (kind === 'q' || kind === 'm' ? categoryCode : categoryName)(rest.at(-1));
  if (category === undefined) return null;
  if (kind === 'n' || kind === 'm') return rest.length === 1 ? { kind: 'next', article, category } : null;
  if (rest.length !== 3) return null;
  const questionId = slug(rest[0], QUESTION_ID_MAX);
  const optionId = slug(rest[1], OPTION_ID_MAX);
  if (questionId === null || optionId === null) return null;
  return { kind: 'answer', article, questionId, optionId, category };
}

/** Always the current form, so `article` is required. */
export function encodePracticeButton(id: PracticeButton & { article: string }): string {
  const category = codeOf(id.category);
  const values = id.kind === 'next' ? ['m', id.article, category] : ['q', id.article, id.questionId, id.optionId, category];
  return encode(PREFIX, values, decodePracticeButton, (back) => sameFields(back, id));
}

const answerIds = (article: string, question: Question, category: Category | null) => ({
  answer: (optionId: string) => encodePracticeButton({ kind: 'answer', article, questionId: question.id, optionId, category }),
});

/** A practice question with its options freshly shuffled. */
export function practiceQuestionMessage(article: string, question: Question, category: Category | null, kind?: PracticeKind) {
  const shown = inOrder(question, presentationOrder(question))!;
  return renderPracticeQuestion(question, shown, answerIds(article, question, category), kind);
}

/** Names one practice answer in the learning record; its confidence rating uses the same key. */
export const practiceAnswerKey = (messageId: string) => `practice:${messageId}`;

type Components = ReadonlyArray<{ components?: ReadonlyArray<{ customId?: string | null }> }>;

/** Whether the message carries a button with this id (a client can send any id; this one must be on the message clicked). */
export const hasButton = (message: Message, customId: string) =>
  (message.components as Components).some((row) => row.components?.some((b) => b.customId === customId));

/** The "Due for review" / "New question" line the message showed, carried to its next steps. */
const labelOf = (message: Message): string | undefined => {
  const name = message.embeds[0]?.author?.name;
  return Object.values(PRACTICE_KIND_LABELS).find((l) => l === name);
};

/** The order the clicked message showed, read back from its buttons (the ids name the options). */
function shownOrder(message: Message, question: Question) {
  const ids: string[] = [];
  for (const row of message.components as ReadonlyArray<{ components?: ReadonlyArray<{ customId?: string | null }> }>) {
    for (const button of row.components ?? []) {
      const id = decodePracticeButton(button.customId);
      if (id?.kind === 'answer' && id.questionId === question.id) ids.push(id.optionId);
    }
  }
  return inOrder(question, ids) ?? question.options;
}

export async function askPractice(ctx: Context, article: Content, guildId: string, userId: string, category: Category | null) {
  if (article.questions().length === 0) throw new UserError(noQuestionsYet(article));
  const next = await nextPracticeQuestion(ctx.store, article, guildId, userId, category, ctx.clock.now());
  if (!next) throw new UserError('There are no practice questions in that category.');
  return { ...practiceQuestionMessage(article.id, next.question, category, next.kind), flags: MessageFlags.Ephemeral } as const;
}

export const practiceButtons: ComponentHandler = {
  prefix: PREFIX,
  async handle(interaction, ctx) {
    const id = decodePracticeButton(interaction.customId);
    if (!id) throw new UserError('This button is no longer active.');
    const library = ctx.shelf.current;
    const article = id.article === null ? library.first : library.article(id.article);
    if (id.kind === 'next') {
      // Practice goes on in the message's article; if that is no longer served, in the channel's.
      await interaction.reply(await askPractice(ctx, article ?? (await articleHere(interaction, ctx)), interaction.guildId, interaction.user.id, id.category));
      return;
    }
    const question = article?.question(id.questionId);
    if (!article || !question?.options.some((o) => o.id === id.optionId)) throw new UserError('That question is no longer in the bank. Start again with `/quiz practice`.');
    const at = ctx.clock.now();
    const result = await recordPracticeAnswer(ctx, {
      guildId: interaction.guildId,
      userId: interaction.user.id,
      userName: interaction.user.username,
      messageId: interaction.message.id,
      article: article.id,
      question,
      optionId: id.optionId,
      at,
    });
    // Also after "already answered": if this write failed the first time, the retried click makes it (the key counts it once).
    await recordLearning(ctx.store, {
      guildId: interaction.guildId,
      userId: interaction.user.id,
      ref: itemRef(article.id, question.id),
      optionId: id.optionId,
      correct: isRight(question, id.optionId),
      source: 'practice',
      at,
      answerKey: practiceAnswerKey(interaction.message.id),
    });
    if (result.kind === 'already-answered') throw new UserError('You have already answered this question. Click **Next question** for another.');
    const level = (choice: ConfidenceChoice) =>
      encodeConfidenceButton({ kind: 'practice', level: choice, article: article.id, questionId: question.id, optionId: id.optionId, category: id.category });
    const ids = { ...answerIds(article.id, question, id.category), level };
    await interaction.update(renderPracticeConfidence(question, shownOrder(interaction.message, question), id.optionId, ids, labelOf(interaction.message)));
  },
};

const isRight = (question: Question, optionId: string) => question.options.some((o) => o.id === optionId && o.correct);

/**
 * The click on "How sure were you?" (or Skip) under a practice answer: rates
 * the answer (once) and shows the feedback in the same message. Everything it
 * needs is in the button's id and the message, so it works after a restart.
 */
export async function finishPractice(interaction: MessageComponentInteraction<'cached'>, ctx: Context, id: PracticeConfidence): Promise<void> {
  const article = ctx.shelf.current.article(id.article);
  const question = article?.question(id.questionId);
  if (!article || !question?.options.some((o) => o.id === id.optionId)) throw new UserError('That question is no longer in the bank. Start again with `/quiz practice`.');
  if (!hasButton(interaction.message, interaction.customId)) throw new UserError('This button is no longer active.');
  const tally = await getTally(ctx.store, interaction.guildId, interaction.user.id);
  if (!tally?.recentPractice?.includes(interaction.message.id)) throw new UserError('That answer is no longer on record, so there is nothing to rate. Start again with `/quiz practice`.');
  if (id.level !== 'skip') {
    const rated = await rateConfidence(ctx.store, {
      guildId: interaction.guildId,
      userId: interaction.user.id,
      answerKey: practiceAnswerKey(interaction.message.id),
      ref: itemRef(article.id, question.id),
      level: id.level,
      correct: isRight(question, id.optionId),
      at: ctx.clock.now(),
    });
    if (rated.kind === 'already-rated') throw new UserError('You already said how sure you were.');
  }
  const ids = { ...answerIds(article.id, question, id.category), next: encodePracticeButton({ kind: 'next', article: article.id, category: id.category }) };
  await interaction.update(renderPracticeFeedback(article, question, shownOrder(interaction.message, question), id.optionId, ids, { label: labelOf(interaction.message), said: id.level }));
}
