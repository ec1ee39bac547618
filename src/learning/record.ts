import type { ItemRef } from '../content/refs.js';
import type { Store } from '../storage/store.js';
import { applyToBoxes, orderForPractice, type BoxMove, type PracticeOrder } from './boxes.js';
import { addRating, calibration, type Calibration } from './confidence.js';
import { markReviewed, recordWrong } from './review.js';
import {
  ANSWER_KEY_LIMIT,
  learningKey,
  learningPrefix,
  readLearning,
  type AnswerSource,
  type Confidence,
  type LearningState,
  type ReviewEntry,
} from './state.js';

export interface LearningAnswer {
  guildId: string;
  userId: string;
  ref: ItemRef;
  optionId: string;
  correct: boolean;
  source: AnswerSource;
  at: number;
  /**
   * Names this one answer, e.g. `practice:<messageId>` or
   * `round:<roundId>:<questionIndex>`: recording the same key again changes
   * nothing, so a retried or replayed answer is not counted twice. The
   * confidence rating of the answer uses the same key.
   */
  answerKey: string;
}

export type LearningResult =
  | {
      kind: 'recorded';
      /** What the answer did in the boxes. */
      move: BoxMove;
      /** The question was on the review list and, answered right, left it. */
      reviewed: boolean;
      state: LearningState;
    }
  | { kind: 'already-recorded' };

/** One answer's changes to the state: review list, boxes and last seen (pure; see recordLearning). */
export function applyLearning(current: LearningState, answer: Omit<LearningAnswer, 'guildId' | 'userId'>): LearningResult {
  if (current.answerKeys.includes(answer.answerKey)) return { kind: 'already-recorded' };
  const { boxes, seen, move } = applyToBoxes(current, answer.ref, answer.correct, answer.at);
  const onList = current.review.some((e) => e.ref === answer.ref);
  const entry: ReviewEntry = { ref: answer.ref, optionId: answer.optionId, at: answer.at, source: answer.source };
  const review = answer.correct ? markReviewed(current.review, answer.ref) : recordWrong(current.review, entry);
  const answerKeys = [...current.answerKeys, answer.answerKey].slice(-ANSWER_KEY_LIMIT);
  return { kind: 'recorded', move, reviewed: answer.correct && onList, state: { ...current, review, boxes, seen, answerKeys } };
}

/**
 * Records an answer (from a public round or from practice) in the person's
 * learning state: a wrong one goes to the front of the review list and into
 * box 1; a right one leaves the review list and moves up the boxes when due.
 * One locked write of the one key does all of it, so concurrent answers of
 * the same person each see the previous one's result and none is lost.
 */
export async function recordLearning(store: Store, answer: LearningAnswer): Promise<LearningResult> {
  let result: LearningResult = { kind: 'already-recorded' };
  await store.update<LearningState>(learningKey(answer.guildId, answer.userId), (stored) => {
    const current = readLearning(stored);
    result = applyLearning(current, answer);
    // A replay writes back what was there (or nothing, for a key that did not exist).
    return result.kind === 'recorded' ? result.state : stored;
  });
  return result;
}

export interface ConfidenceRating {
  guildId: string;
  userId: string;
  /** The answer rated (the answerKey it was recorded with): one rating per answer. */
  answerKey: string;
  ref: ItemRef;
  level: Confidence;
  correct: boolean;
  at: number;
}

export type RatingResult = { kind: 'rated'; calibration: Calibration } | { kind: 'already-rated' };

/** Records how sure the person was of an answer; a second rating of the same answer is refused and changes nothing. */
export async function rateConfidence(store: Store, input: ConfidenceRating): Promise<RatingResult> {
  const { guildId, userId, ...rating } = input;
  let result: RatingResult = { kind: 'already-rated' };
  await store.update<LearningState>(learningKey(guildId, userId), (stored) => {
    const current = readLearning(stored);
    const ratings = addRating(current.ratings, rating);
    if (ratings === 'already-rated') return stored;
    result = { kind: 'rated', calibration: calibration(ratings) };
    return { ...current, ratings };
  });
  return result;
}

/** The person's learning state in the guild; undefined when they have none. */
export async function getLearning(store: Store, guildId: string, userId: string): Promise<LearningState | undefined> {
  const stored = await store.get<LearningState>(learningKey(guildId, userId));
  return stored === undefined ? undefined : readLearning(stored);
}

/** The person's review list: their last wrong answers not yet put right, newest first. */
export async function reviewList(store: Store, guildId: string, userId: string): Promise<ReviewEntry[]> {
  return (await getLearning(store, guildId, userId))?.review ?? [];
}

/** The order practice should ask the bank in for this person (see orderForPractice). */
export async function practiceOrder(store: Store, guildId: string, userId: string, bank: readonly ItemRef[], now: number, rng?: () => number): Promise<PracticeOrder> {
  return orderForPractice(bank, readLearning(await store.get<LearningState>(learningKey(guildId, userId))), now, rng);
}

/** Every person's learning state in the guild, by user id, in no particular order. */
export async function listLearning(store: Store, guildId: string): Promise<Array<[string, LearningState]>> {
  const prefix = learningPrefix(guildId);
  return (await store.scan<LearningState>(prefix)).map(([key, state]) => [key.slice(prefix.length), readLearning(state)]);
}

/**
 * Deletes the person's learning state in the guild; resolves to whether there
 * was one. Under the key's lock, so an answer being recorded at the same
 * moment lands either before (and is removed) or after (and starts afresh).
 */
export async function forgetLearning(store: Store, guildId: string, userId: string): Promise<boolean> {
  let had = false;
  await store.update<LearningState>(learningKey(guildId, userId), (current) => {
    had = current !== undefined;
    return undefined;
  });
  return had;
}

/** Deletes everyone's learning state in the guild; resolves to how many people had one. */
export function resetLearning(store: Store, guildId: string): Promise<number> {
  return store.deletePrefix(learningPrefix(guildId));
}
