import { describe, expect, it } from 'vitest';
import { itemRef, type ItemRef } from '../src/content/refs.js';
import { applyToBoxes, DAY_MS, dueCount, orderForPractice } from '../src/learning/boxes.js';
import { addRating, calibration } from '../src/learning/confidence.js';
import { learningCsvCells, learningFigures } from '../src/learning/export.js';
import { applyLearning, type LearningAnswer } from '../src/learning/record.js';
import { markReviewed, recordWrong } from '../src/learning/review.js';
import { emptyLearning, REVIEW_LIMIT, SEEN_LIMIT, type Confidence, type LearningState, type Rating, type ReviewEntry } from '../src/learning/state.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const H = 60 * 60 * 1000;
const ref = (n: number | string): ItemRef => itemRef('harbour-bridge', `q-${n}`);
const wrong = (r: ItemRef, at: number, optionId = 'a'): ReviewEntry => ({ ref: r, optionId, at, source: 'practice' });

let keys = 0;
/** Applies one answer to the state, as recordLearning does inside its locked write. */
function answer(state: LearningState, r: ItemRef, correct: boolean, at: number, over: Partial<LearningAnswer> = {}): LearningState {
  const result = applyLearning(state, { ref: r, optionId: correct ? 'right' : 'wrong', correct, source: 'practice', at, answerKey: `k${keys++}`, ...over });
  if (result.kind !== 'recorded') throw new Error('expected the answer to be recorded');
  return result.state;
}

describe('review list', () => {
  it('lists wrong answers newest first and keeps only the last 25', () => {
    let list: ReviewEntry[] = [];
    for (let i = 0; i < 30; i++) list = recordWrong(list, wrong(ref(i), T0 + i));
    expect(list).toHaveLength(REVIEW_LIMIT);
    expect(list.map((e) => e.ref)).toEqual(Array.from({ length: 25 }, (_, i) => ref(29 - i)));
  });

  it('a repeated wrong answer moves the question to the front, with one entry and the latest pick', () => {
    let list: ReviewEntry[] = [];
    list = recordWrong(list, wrong(ref('a'), T0, 'x'));
    list = recordWrong(list, wrong(ref('b'), T0 + 1));
    list = recordWrong(list, wrong(ref('c'), T0 + 2));
    list = recordWrong(list, { ref: ref('a'), optionId: 'y', at: T0 + 3, source: 'round' });
    expect(list).toEqual([
      { ref: ref('a'), optionId: 'y', at: T0 + 3, source: 'round' },
      wrong(ref('c'), T0 + 2),
      wrong(ref('b'), T0 + 1),
    ]);
  });

  it('an answer reaching the list late takes its place by time and does not replace a newer entry of its question', () => {
    let list = recordWrong([], wrong(ref('a'), T0 + 10, 'new'));
    list = recordWrong(list, wrong(ref('b'), T0 + 5));
    list = recordWrong(list, wrong(ref('a'), T0 + 1, 'old'));
    expect(list).toEqual([wrong(ref('a'), T0 + 10, 'new'), wrong(ref('b'), T0 + 5)]);
  });

  it('markReviewed removes the question and leaves the others in order', () => {
    const list = [wrong(ref(3), 3), wrong(ref(2), 2), wrong(ref(1), 1)];
    expect(markReviewed(list, ref(2))).toEqual([wrong(ref(3), 3), wrong(ref(1), 1)]);
    expect(markReviewed(list, ref(9))).toEqual(list);
  });

  it('a right retry of a listed question marks it reviewed and removes it; a right answer of another question is not a review', () => {
    let state = answer(emptyLearning(), ref(1), false, T0);
    state = answer(state, ref(2), false, T0 + 1);
    const other = applyLearning(state, { ref: ref(3), optionId: 'r', correct: true, source: 'round', at: T0 + 2, answerKey: 'x1' });
    expect(other).toMatchObject({ kind: 'recorded', reviewed: false });
    const retry = applyLearning(state, { ref: ref(1), optionId: 'r', correct: true, source: 'practice', at: T0 + 3, answerKey: 'x2' });
    expect(retry).toMatchObject({ kind: 'recorded', reviewed: true });
    if (retry.kind === 'recorded') expect(retry.state.review.map((e) => e.ref)).toEqual([ref(2)]);
  });

  it('the same answer key is recorded once: a replay changes nothing', () => {
    const first = applyLearning(emptyLearning(), { ref: ref(1), optionId: 'w', correct: false, source: 'round', at: T0, answerKey: 'round:r1:0' });
    expect(first.kind).toBe('recorded');
    if (first.kind !== 'recorded') return;
    expect(applyLearning(first.state, { ref: ref(1), optionId: 'w', correct: false, source: 'round', at: T0 + 5, answerKey: 'round:r1:0' })).toEqual({ kind: 'already-recorded' });
  });
});

describe('Leitner boxes', () => {
  it('a missed question comes back after 1, then 3, then 7 days, and a right answer from box 3 graduates it', () => {
    const q = ref(1);
    let state = answer(emptyLearning(), q, false, T0);
    expect(state.boxes[q]).toEqual({ box: 1, due: T0 + 1 * DAY_MS });
    const t1 = T0 + 1 * DAY_MS;
    state = answer(state, q, true, t1);
    expect(state.boxes[q]).toEqual({ box: 2, due: t1 + 3 * DAY_MS });
    const t2 = t1 + 3 * DAY_MS;
    state = answer(state, q, true, t2);
    expect(state.boxes[q]).toEqual({ box: 3, due: t2 + 7 * DAY_MS });
    const t3 = t2 + 7 * DAY_MS;
    const out = applyToBoxes(state, q, true, t3);
    expect(out.move).toEqual({ kind: 'graduated' });
    expect(out.boxes[q]).toBeUndefined();
    expect(out.seen[q]).toBe(t3);
  });

  it('a right answer before the question is due keeps it in its box with its due time', () => {
    const q = ref(1);
    const state = answer(emptyLearning(), q, false, T0);
    const early = applyToBoxes(state, q, true, T0 + DAY_MS - 1);
    expect(early.move).toEqual({ kind: 'kept', box: 1, due: T0 + DAY_MS });
    expect(early.boxes[q]).toEqual({ box: 1, due: T0 + DAY_MS });
    expect(early.seen[q]).toBe(T0 + DAY_MS - 1);
  });

  it('a wrong answer from box 3, or after graduating, goes back to box 1', () => {
    const q = ref(1);
    let state = answer(emptyLearning(), q, false, T0);
    state = answer(state, q, true, T0 + 1 * DAY_MS);
    state = answer(state, q, true, T0 + 4 * DAY_MS);
    expect(state.boxes[q]?.box).toBe(3);
    const back = answer(state, q, false, T0 + 5 * DAY_MS);
    expect(back.boxes[q]).toEqual({ box: 1, due: T0 + 6 * DAY_MS });

    const graduated = answer(state, q, true, T0 + 11 * DAY_MS);
    expect(graduated.boxes[q]).toBeUndefined();
    expect(answer(graduated, q, false, T0 + 20 * DAY_MS).boxes[q]).toEqual({ box: 1, due: T0 + 21 * DAY_MS });
  });

  it('a question answered right the first time never enters the boxes, but is seen', () => {
    const out = applyToBoxes(emptyLearning(), ref(1), true, T0);
    expect(out).toEqual({ boxes: {}, seen: { [ref(1)]: T0 }, move: { kind: 'none' } });
  });

  it(`keeps the last-seen times of the ${SEEN_LIMIT} most recently answered questions, and a question dropped from them leaves the boxes`, () => {
    let state = answer(emptyLearning(), ref('old-wrong'), false, T0);
    state = answer(state, ref('old-right'), true, T0 + 1);
    for (let i = 0; i < SEEN_LIMIT - 1; i++) state = answer(state, ref(i), i % 2 === 0, T0 + 10 + i);
    // 501 refs were answered: the oldest (the boxed one) is gone from both, the next oldest stays.
    expect(Object.keys(state.seen)).toHaveLength(SEEN_LIMIT);
    expect(state.seen[ref('old-wrong')]).toBeUndefined();
    expect(state.boxes[ref('old-wrong')]).toBeUndefined();
    expect(state.seen[ref('old-right')]).toBe(T0 + 1);
    expect(state.boxes[ref(1)]).toEqual({ box: 1, due: T0 + 11 + DAY_MS });
    for (const boxed of Object.keys(state.boxes)) expect(state.seen[boxed as ItemRef]).toBeDefined();
  });

  it('counts the questions due now, optionally only those still in the bank', () => {
    let state = answer(emptyLearning(), ref(1), false, T0);
    state = answer(state, ref(2), false, T0 + 2 * H);
    state = answer(state, ref(3), false, T0 + 5 * DAY_MS);
    expect(dueCount(state, T0 + DAY_MS - 1)).toBe(0);
    expect(dueCount(state, T0 + DAY_MS)).toBe(1);
    expect(dueCount(state, T0 + DAY_MS + 2 * H)).toBe(2);
    expect(dueCount(state, T0 + DAY_MS + 2 * H, [ref(2), ref(3)])).toBe(1);
    expect(dueCount(state, T0 + 6 * DAY_MS)).toBe(3);
  });
});

describe('practice order', () => {
  /** q-1 and q-2 due (q-2 the more overdue), q-3 boxed but not due, q-4 and q-5 seen, q-6..q-9 never seen. */
  function scene(): { state: LearningState; now: number; bank: ItemRef[] } {
    let state = answer(emptyLearning(), ref(2), false, T0);
    state = answer(state, ref(1), false, T0 + H);
    state = answer(state, ref(5), true, T0 + 2 * H);
    state = answer(state, ref(4), true, T0 + 3 * H);
    state = answer(state, ref(3), false, T0 + 4 * H);
    const bank = [6, 1, 7, 2, 3, 8, 4, 5, 9].map(ref);
    return { state, now: T0 + DAY_MS + 2 * H, bank };
  }

  it('asks due questions first (most overdue first), then never-seen ones, then the rest least recently seen first', () => {
    const { state, now, bank } = scene();
    const { order, first } = orderForPractice(bank, state, now, () => 0.5);
    expect(first).toEqual({ ref: ref(2), kind: 'due' });
    expect(order.slice(0, 2)).toEqual([ref(2), ref(1)]);
    expect(new Set(order.slice(2, 6))).toEqual(new Set([6, 7, 8, 9].map(ref)));
    // q-5 seen before q-4, and q-3 (boxed, not due) answered last.
    expect(order.slice(6)).toEqual([ref(5), ref(4), ref(3)]);
  });

  it('orders the never-seen questions with the injected random source', () => {
    const { state, now, bank } = scene();
    const low = orderForPractice(bank, state, now, () => 0).order.slice(2, 6);
    const high = orderForPractice(bank, state, now, () => 0.999).order.slice(2, 6);
    expect(low).not.toEqual(high);
    expect(orderForPractice(bank, state, now, () => 0).order.slice(2, 6)).toEqual(low);
  });

  it("says 'new' when nothing is due and 'seen' when every question was answered; nothing for an empty bank", () => {
    const { state } = scene();
    const early = T0 + 5 * H;
    expect(orderForPractice([ref(1), ref(6)], state, early).first).toEqual({ ref: ref(6), kind: 'new' });
    // q-1 (boxed, due tomorrow) was answered before q-5 and q-4.
    expect(orderForPractice([ref(4), ref(1), ref(5)], state, early)).toEqual({ order: [ref(1), ref(5), ref(4)], first: { ref: ref(1), kind: 'seen' } });
    expect(orderForPractice([], state, early)).toEqual({ order: [], first: undefined });
  });

  it('ignores boxed questions that left the bank and lists a repeated bank ref once', () => {
    const { state, now } = scene();
    const { order, first } = orderForPractice([ref(6), ref(6), ref(4)], state, now);
    expect(order).toEqual([ref(6), ref(4)]);
    expect(first?.kind).toBe('new');
  });
});

describe('confidence', () => {
  const rating = (level: Confidence, correct: boolean, n: number): Rating => ({ answerKey: `a${n}`, ref: ref(n), level, correct, at: T0 + n });
  const many = (level: Confidence, right: number, total: number, from = 0) => Array.from({ length: total }, (_, i) => rating(level, i < right, from + i));

  it('a second rating of the same answer is refused and changes nothing', () => {
    const first = addRating([], rating('certain', true, 1));
    expect(first).toHaveLength(1);
    expect(addRating(first as Rating[], { ...rating('guessing', false, 2), answerKey: 'a1' })).toBe('already-rated');
  });

  it('keeps the last 200 ratings', () => {
    let ratings: Rating[] = [];
    for (let i = 0; i < 205; i++) ratings = addRating(ratings, rating('certain', true, i)) as Rating[];
    expect(ratings).toHaveLength(200);
    expect(ratings[0]!.answerKey).toBe('a5');
    expect(ratings.at(-1)!.answerKey).toBe('a204');
  });

  it('counts answered, right and share per level', () => {
    const c = calibration([...many('guessing', 1, 4), ...many('certain', 2, 2, 10)]);
    expect(c.byLevel).toEqual({
      guessing: { answered: 4, right: 1, share: 0.25 },
      'fairly-sure': { answered: 0, right: 0, share: null },
      certain: { answered: 2, right: 2, share: 1 },
    });
  });

  it('under 10 rated answers there is no verdict, only how many more are needed', () => {
    expect(calibration([])).toMatchObject({ kind: 'too-few', rated: 0, needed: 10 });
    expect(calibration(many('certain', 0, 9))).toMatchObject({ kind: 'too-few', rated: 9, needed: 1 });
    expect(calibration(many('certain', 0, 10)).kind).toBe('verdict');
  });

  it('mean confidence minus accuracy beyond 0.1 is over- or under-confident; within it is well calibrated', () => {
    // All certain (1.0): 9 of 10 right is 0.1 over, still well calibrated; 8 of 10 is 0.2 over.
    expect(calibration(many('certain', 9, 10))).toMatchObject({ figure: 0.1, verdict: 'well-calibrated' });
    expect(calibration(many('certain', 8, 10))).toMatchObject({ figure: 0.2, verdict: 'over-confident', accuracy: 0.8, meanConfidence: 1 });
    // 3 fairly sure + 7 certain (mean 0.9), all right: 0.1 under, still well calibrated.
    expect(calibration([...many('fairly-sure', 3, 3), ...many('certain', 7, 7, 3)])).toMatchObject({ figure: -0.1, verdict: 'well-calibrated' });
    // All guessing (1/3): 5 of 10 right is under-confident, 4 of 10 well calibrated.
    const under = calibration(many('guessing', 5, 10));
    expect(under).toMatchObject({ verdict: 'under-confident' });
    if (under.kind === 'verdict') expect(under.figure).toBeCloseTo(1 / 3 - 0.5, 6);
    expect(calibration(many('guessing', 4, 10))).toMatchObject({ verdict: 'well-calibrated' });
  });
});

describe('export figures', () => {
  it('gives per user the calibration figure (none under 10 ratings) and the due count', () => {
    let ann = answer(emptyLearning(), ref(1), false, T0);
    ann = answer(ann, ref(2), false, T0 + 2 * DAY_MS);
    for (let i = 0; i < 10; i++) ann = { ...ann, ratings: addRating(ann.ratings, { answerKey: `r${i}`, ref: ref(i), level: 'certain', correct: i < 7, at: T0 }) as Rating[] };
    const bob = answer(emptyLearning(), ref(1), false, T0);
    const figures = learningFigures(
      [
        ['ann', ann],
        ['bob', bob],
      ],
      T0 + DAY_MS,
    );
    expect(figures.get('ann')).toEqual({ calibration: 0.3, due: 1 });
    expect(figures.get('bob')).toEqual({ calibration: null, due: 1 });
    expect(learningCsvCells(figures.get('ann'))).toEqual([0.3, 1]);
    expect(learningCsvCells(figures.get('bob'))).toEqual(['', 1]);
    expect(learningCsvCells(undefined)).toEqual(['', 0]);
  });
});
