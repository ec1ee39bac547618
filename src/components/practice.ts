import { MessageFlags, type Message } from 'discord.js';
import { CATEGORIES, type Category, type Question } from '../content/schema.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { nextPracticeQuestion, recordPracticeAnswer } from '../quiz/practice.js';
import { inOrder, presentationOrder } from '../quiz/shuffle.js';
import { renderPracticeFeedback, renderPracticeQuestion } from '../render/quiz.js';
import { encode, parts, sameFields, slug } from './lib/codec.js';
import type { ComponentHandler } from './lib/types.js';

/**
 * `practice:a:<question id>:<option id>:<category|all>` answers a private
 * practice question; `practice:n:<category|all>` asks the next one. The
 * category travels along so "Next question" stays in the learner's choice.
 */
const PREFIX = 'practice';
const QUESTION_ID_MAX = 40; // content ids are at most 40 characters
const OPTION_ID_MAX = 20;

export type PracticeButton =
  | { kind: 'answer'; questionId: string; optionId: string; category: Category | null }
  | { kind: 'next'; category: Category | null };

/** A category, null for all of them, undefined when forged. */
const categoryPart = (text: string | undefined): Category | null | undefined => (text === 'all' ? null : CATEGORIES.find((c) => c === text));

export function decodePracticeButton(raw: unknown): PracticeButton | null {
  const p = parts(raw, PREFIX);
  if (p?.[0] === 'n' && p.length === 2) {
    const category = categoryPart(p[1]);
    return category === undefined ? null : { kind: 'next', category };
  }
  if (p?.[0] !== 'a' || p.length !== 4) return null;
  const questionId = slug(p[1], QUESTION_ID_MAX);
  const optionId = slug(p[2], OPTION_ID_MAX);
  const category = categoryPart(p[3]);
  if (questionId === null || optionId === null || category === undefined) return null;
  return { kind: 'answer', questionId, optionId, category };
}

export function encodePracticeButton(id: PracticeButton): string {
  const category = id.category ?? 'all';
  const values = id.kind === 'next' ? ['n', category] : ['a', id.questionId, id.optionId, category];
  return encode(PREFIX, values, decodePracticeButton, (back) => sameFields(back, id));
}

const answerIds = (question: Question, category: Category | null) => ({
  answer: (optionId: string) => encodePracticeButton({ kind: 'answer', questionId: question.id, optionId, category }),
});

/** A practice question with its options freshly shuffled. */
export function practiceQuestionMessage(question: Question, category: Category | null) {
  const shown = inOrder(question, presentationOrder(question))!;
  return renderPracticeQuestion(question, shown, answerIds(question, category));
}

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

export async function askPractice(ctx: Context, guildId: string, userId: string, category: Category | null) {
  const question = await nextPracticeQuestion(ctx.store, ctx.content, guildId, userId, category);
  if (!question) throw new UserError('There are no practice questions in that category.');
  return { ...practiceQuestionMessage(question, category), flags: MessageFlags.Ephemeral } as const;
}

export const practiceButtons: ComponentHandler = {
  prefix: PREFIX,
  async handle(interaction, ctx) {
    const id = decodePracticeButton(interaction.customId);
    if (!id) throw new UserError('This button is no longer active.');
    if (id.kind === 'next') {
      await interaction.reply(await askPractice(ctx, interaction.guildId, interaction.user.id, id.category));
      return;
    }
    const question = ctx.content.question(id.questionId);
    if (!question?.options.some((o) => o.id === id.optionId)) throw new UserError('That question is no longer in the bank. Start again with `/quiz practice`.');
    const result = await recordPracticeAnswer(ctx, {
      guildId: interaction.guildId,
      userId: interaction.user.id,
      userName: interaction.user.username,
      messageId: interaction.message.id,
      question,
      optionId: id.optionId,
      at: ctx.clock.now(),
    });
    if (result.kind === 'already-answered') throw new UserError('You have already answered this question. Click **Next question** for another.');
    const ids = { ...answerIds(question, id.category), next: encodePracticeButton({ kind: 'next', category: id.category }) };
    await interaction.update(renderPracticeFeedback(ctx.content, question, shownOrder(interaction.message, question), id.optionId, ids));
  },
};
