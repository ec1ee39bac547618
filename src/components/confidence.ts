import { itemRef } from '../content/refs.js';
import { ARTICLE_ID_MAX, type Category } from '../content/schema.js';
import { UserError } from '../errors.js';
import { rateConfidence } from '../learning/record.js';
import { roundAnswerKey } from '../quiz/runner.js';
import { getRoundConfidence } from '../quiz/settings.js';
import { CONFIDENCE_LABELS, type ConfidenceChoice } from '../render/confidence.js';
import { letter } from '../render/quiz.js';
import type { Confidence } from '../learning/state.js';
import { encode, int, parts, sameFields, slug } from './lib/codec.js';
import type { ComponentHandler } from './lib/types.js';
import { categoryCode, codeOf, finishPractice } from './practice.js';
import { MAX_ROUND_QUESTIONS, OPTION_ID_MAX, ROUND_ID } from './quiz-round.js';

/**
 * "How sure were you?": `conf:p:<level>:<article>:<question>:<option>:<skill>`
 * under a practice answer (the answer is named by the message clicked, so the
 * id needs no message id: 97 characters at the longest ids), and
 * `conf:r:<level>:<round>:<question>` under a round's "Locked in" reply.
 * Levels travel as one letter: g(uessing), f(airly sure), c(ertain), s(kip,
 * practice only).
 */
const PREFIX = 'conf';
const QUESTION_ID_MAX = 40;
const LEVEL_CODES: Readonly<Record<ConfidenceChoice, string>> = { guessing: 'g', 'fairly-sure': 'f', certain: 'c', skip: 's' };
const levelOf = (code: string | undefined) => (Object.keys(LEVEL_CODES) as ConfidenceChoice[]).find((l) => LEVEL_CODES[l] === code);

export type PracticeConfidence = { kind: 'practice'; level: ConfidenceChoice; article: string; questionId: string; optionId: string; category: Category | null };
export type RoundConfidence = { kind: 'round'; level: Confidence; roundId: string; question: number };
export type ConfidenceButton = PracticeConfidence | RoundConfidence;

export function decodeConfidenceButton(raw: unknown): ConfidenceButton | null {
  const p = parts(raw, PREFIX);
  if (!p) return null;
  const [kind, code, ...rest] = p;
  const level = levelOf(code);
  if (!level) return null;
  if (kind === 'r' && rest.length === 2 && level !== 'skip') {
    const question = int(rest[1], 0, MAX_ROUND_QUESTIONS - 1);
    const roundId = rest[0] ?? '';
    return ROUND_ID.test(roundId) && question !== null ? { kind: 'round', level, roundId, question } : null;
  }
  if (kind !== 'p' || rest.length !== 4) return null;
  const article = slug(rest[0], ARTICLE_ID_MAX);
  const questionId = slug(rest[1], QUESTION_ID_MAX);
  const optionId = slug(rest[2], OPTION_ID_MAX);
  const category = categoryCode(rest[3]);
  if (article === null || questionId === null || optionId === null || category === undefined) return null;
  return { kind: 'practice', level, article, questionId, optionId, category };
}

export function encodeConfidenceButton(id: ConfidenceButton): string {
  const values =
    id.kind === 'round'
      ? ['r', LEVEL_CODES[id.level], id.roundId, id.question]
      : ['p', LEVEL_CODES[id.level], id.article, id.questionId, id.optionId, codeOf(id.category)];
  return encode(PREFIX, values, decodeConfidenceButton, (back) => sameFields(back, id));
}

export const confidenceButtons: ComponentHandler = {
  prefix: PREFIX,
  async handle(interaction, ctx) {
    const id = decodeConfidenceButton(interaction.customId);
    if (!id) throw new UserError('This button is no longer active.');
    if (id.kind === 'practice') return finishPractice(interaction, ctx, id);
    if (!(await getRoundConfidence(ctx.store, interaction.guildId))) throw new UserError('Saying how sure you were is turned off for rounds in this server.');
    const round = ctx.quiz.rounds.get(id.roundId);
    if (!round || round.finished) throw new UserError('This round is over, so it is too late to say how sure you were.');
    const pick = round.openPick(id.question, interaction.user.id);
    if (pick === undefined) {
      throw new UserError(
        id.question === round.current && round.open
          ? 'You have not answered this question, so there is nothing to rate.'
          : 'The answer has been revealed, so it is too late to say how sure you were.',
      );
    }
    const question = round.questions[id.question]!;
    // Stored now with whether the pick is right; the reply says nothing of it before the reveal.
    const rated = await rateConfidence(ctx.store, {
      guildId: interaction.guildId,
      userId: interaction.user.id,
      answerKey: roundAnswerKey(round.id, id.question),
      ref: itemRef(round.article.id, question.id),
      level: id.level,
      correct: question.options.some((o) => o.id === pick && o.correct),
      at: ctx.clock.now(),
    });
    if (rated.kind === 'already-rated') throw new UserError('You already said how sure you were.');
    const shown = letter(round.shown[id.question]!.findIndex((o) => o.id === pick));
    await interaction.update({ content: `Locked in: ${shown} · you said: ${CONFIDENCE_LABELS[id.level]}. The answer is revealed when time is up.`, components: [] });
  },
};
