import type { ItemRef } from '../content/refs.js';

/**
 * Everything the learning loop keeps about one person in one server, in ONE
 * key, so that one answer's changes (review list, boxes, last seen, the answer
 * key that refuses a replay) are one atomic store.update. Times are epoch
 * milliseconds. Every part is bounded (see the limits below), so the whole
 * value stays under about 50 KB even for a very active person; with the
 * current pack (66 questions) it stays far smaller.
 */
export interface LearningState {
  /** Recent wrong answers still to review, newest first, one per question; at most REVIEW_LIMIT. */
  review: ReviewEntry[];
  /** Questions in the Leitner boxes, by ref. Every boxed ref is also in `seen`. */
  boxes: Record<ItemRef, BoxEntry>;
  /** When each question was last answered (right or wrong), by ref; at most SEEN_LIMIT refs. */
  seen: Record<ItemRef, number>;
  /** Confidence ratings, oldest first; at most RATING_LIMIT. */
  ratings: Rating[];
  /** Keys of the last answers recorded, oldest first, so a replayed answer is not counted twice; at most ANSWER_KEY_LIMIT. */
  answerKeys: string[];
}

export type AnswerSource = 'round' | 'practice';

export interface ReviewEntry {
  ref: ItemRef;
  /** The option the person picked. */
  optionId: string;
  at: number;
  source: AnswerSource;
}

export type Box = 1 | 2 | 3;

export interface BoxEntry {
  box: Box;
  /** When the question is due again. */
  due: number;
}

export const CONFIDENCE_LEVELS = ['guessing', 'fairly-sure', 'certain'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

export interface Rating {
  /** Names the answer that was rated (see recordLearning's answerKey); one rating per answer. */
  answerKey: string;
  ref: ItemRef;
  level: Confidence;
  correct: boolean;
  at: number;
}

/** The review list shows the last 25 wrong answers. */
export const REVIEW_LIMIT = 25;
/**
 * How many questions' last-seen times are kept: the 500 most recently answered.
 * Far above any pack so far (66 questions), so in practice nothing is dropped;
 * if a bank ever outgrows it, the questions answered longest ago are forgotten
 * (they count as never seen again, and leave the boxes with their time).
 */
export const SEEN_LIMIT = 500;
/** Confidence ratings kept: the last 200, plenty for a stable calibration figure. */
export const RATING_LIMIT = 200;
/** Answer keys kept to refuse a replayed answer: a replay comes within seconds, so 50 is ample. */
export const ANSWER_KEY_LIMIT = 50;

// The trailing colon matters: without it a prefix of server "12" would also match server "123".
export const learningPrefix = (guildId: string) => `learning:${guildId}:`;
export const learningKey = (guildId: string, userId: string) => `${learningPrefix(guildId)}${userId}`;

export const emptyLearning = (): LearningState => ({ review: [], boxes: {}, seen: {}, ratings: [], answerKeys: [] });

/** A stored value as a full state: parts missing from an older value start empty. */
export function readLearning(stored: Partial<LearningState> | undefined): LearningState {
  return {
    review: stored?.review ?? [],
    boxes: stored?.boxes ?? {},
    seen: stored?.seen ?? {},
    ratings: stored?.ratings ?? [],
    answerKeys: stored?.answerKeys ?? [],
  };
}
