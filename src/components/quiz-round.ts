import { MessageFlags } from 'discord.js';
import { UserError } from '../errors.js';
import { findPick } from '../quiz/picks.js';
import type { AnswerOutcome } from '../quiz/runner.js';
import { inOrder } from '../quiz/shuffle.js';
import { renderPickFeedback } from '../render/quiz.js';
import { confidenceButtons, type ConfidenceChoice } from '../render/confidence.js';
import type { Confidence } from '../learning/state.js';
import { getRoundConfidence } from '../quiz/settings.js';
import { encodeConfidenceButton } from './confidence.js';
import { encode, int, parts, sameFields, slug } from './lib/codec.js';
import type { ComponentHandler } from './lib/types.js';

/**
 * `quiz:a:<round>:<question>:<option id>` locks in an answer; `quiz:w:<round>:<question>`
 * is a reveal's "Why not mine?". Options travel by id, so a click means the same
 * option whatever order its message showed, before or after a restart.
 */
const PREFIX = 'quiz';
export const ROUND_ID = /^[A-Za-z0-9_-]{1,32}$/;
export const MAX_ROUND_QUESTIONS = 100;
export const OPTION_ID_MAX = 20;

export type RoundButton =
  | { kind: 'answer'; roundId: string; question: number; optionId: string }
  | { kind: 'why'; roundId: string; question: number };

export function decodeRoundButton(raw: unknown): RoundButton | null {
  const p = parts(raw, PREFIX);
  if (!p) return null;
  const [action, roundId = '', q] = p;
  const question = int(q, 0, MAX_ROUND_QUESTIONS - 1);
  if (!ROUND_ID.test(roundId) || question === null) return null;
  if (action === 'w' && p.length === 3) return { kind: 'why', roundId, question };
  const optionId = slug(p[3], OPTION_ID_MAX);
  if (action === 'a' && p.length === 4 && optionId !== null) return { kind: 'answer', roundId, question, optionId };
  return null;
}

export function encodeRoundButton(id: RoundButton): string {
  const values = id.kind === 'answer' ? ['a', id.roundId, id.question, id.optionId] : ['w', id.roundId, id.question];
  return encode(PREFIX, values, decodeRoundButton, (back) => sameFields(back, id));
}

const REFUSALS: Record<Exclude<AnswerOutcome['kind'], 'accepted'>, string> = {
  over: 'This round is over. Start a new one with `/quiz start`.',
  closed: 'This question is closed; its answer has been revealed.',
  'already-answered': 'You have already answered this question. Your first answer stands.',
  invalid: 'That button does not belong to the current question.',
  'not-recorded': 'Your answer was not recorded because of a storage problem. Please click again in a moment.',
};

export const roundButtons: ComponentHandler = {
  prefix: PREFIX,
  async handle(interaction, ctx) {
    const id = decodeRoundButton(interaction.customId);
    if (!id) throw new UserError('This button is no longer active.');
    if (id.kind === 'answer') {
      // Read alongside the answer's write, so asking adds no wait; a failed read only leaves the question out.
      const asking = getRoundConfidence(ctx.store, interaction.guildId).catch((error: unknown) => {
        ctx.log.warn({ err: error }, 'could not read whether rounds ask how sure people are');
        return false;
      });
      const outcome = await ctx.quiz.answer({ ...id, guildId: interaction.guildId, userId: interaction.user.id, userName: interaction.user.username });
      if (outcome.kind !== 'accepted') throw new UserError(REFUSALS[outcome.kind]);
      // The reply says nothing of whether the pick is right.
      const ask = await asking;
      const level = (choice: ConfidenceChoice) => encodeConfidenceButton({ kind: 'round', level: choice as Confidence, roundId: id.roundId, question: id.question });
      await interaction.reply({
        content: ask ? `Locked in: ${outcome.letter}. How sure are you?` : `Locked in: ${outcome.letter}`,
        components: ask ? [confidenceButtons(level, false)] : [],
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const found = await findPick(ctx.store, interaction.guildId, id.roundId, id.question, interaction.user.id);
    if (found.kind === 'unknown') throw new UserError('I no longer have the answers of that round, so I cannot say what you picked.');
    // A running round answers from the version of the article it started with; a finished one from the library.
    const article = ctx.quiz.rounds.get(id.roundId)?.article ?? ctx.shelf.current.article(found.entry.article);
    const question = article?.question(found.entry.questionId);
    if (!question) throw new UserError('That question is no longer in the bank.');
    const shown = inOrder(question, found.entry.order) ?? question.options;
    const text = renderPickFeedback(question, shown, found.kind === 'picked' ? found.optionId : undefined);
    await interaction.reply({ content: text.slice(0, 2000), flags: MessageFlags.Ephemeral });
  },
};
