import { describe, expect, it } from 'vitest';
import { decodeAdminId, encodeAdminId, type AdminId } from '../src/components/admin-reset.js';
import { decodeExcerptPage, encodeExcerptPage } from '../src/components/excerpt-page.js';
import { decodeForgetButton, encodeForgetButton, type ForgetButton } from '../src/components/forget.js';
import { decodePracticeButton, encodePracticeButton, type PracticeButton } from '../src/components/practice.js';
import { decodeRoundButton, encodeRoundButton, type RoundButton } from '../src/components/quiz-round.js';
import { newRoundId } from '../src/quiz/rounds.js';
import { decodeConfidenceButton, encodeConfidenceButton, type ConfidenceButton } from '../src/components/confidence.js';
import { decodeReviewButton, encodeReviewButton, type ReviewButton } from '../src/components/review.js';

/** Ids a client could send: wrong family, wrong arity, numbers in disguise, bad slugs, too long. */
const commonForgeries = ['', ':', 'x'.repeat(101), 'nope:a:r1:0:o1'];
const notStrings = [42, undefined, null, { customId: 'quiz:w:r1:0' }];

describe('quiz round buttons', () => {
  const valid: RoundButton[] = [
    { kind: 'answer', roundId: newRoundId(), question: 0, optionId: 'breitbart' },
    { kind: 'answer', roundId: 'a_B-9', question: 99, optionId: 'x'.repeat(20) },
    { kind: 'why', roundId: 'r1', question: 3 },
  ];

  it('round-trips answers and "Why not mine?" within 100 characters, naming the option by id', () => {
    for (const id of valid) {
      const raw = encodeRoundButton(id);
      expect(raw.length).toBeLessThanOrEqual(100);
      expect(decodeRoundButton(raw)).toEqual(id);
    }
    expect(encodeRoundButton({ kind: 'answer', roundId: 'r1', question: 3, optionId: 'gt-quote' })).toBe('quiz:a:r1:3:gt-quote');
    expect(encodeRoundButton({ kind: 'why', roundId: 'r1', question: 3 })).toBe('quiz:w:r1:3');
  });

  it('rejects forged ids', () => {
    const forged = [
      ...commonForgeries,
      'quiz',
      'quiz:b:r1:0:o1',
      'quiz:a:r1:0',
      'quiz:a:r1:0:o1:x',
      'quiz:a::0:o1',
      'quiz:a:r 1:0:o1',
      'quiz:a:r1:-1:o1',
      'quiz:a:r1:01:o1',
      'quiz:a:r1:1e1:o1',
      'quiz:a:r1: 1:o1',
      'quiz:a:r1:100:o1',
      'quiz:a:r1:0:Bad',
      'quiz:a:r1:0:o_1',
      `quiz:a:r1:0:${'x'.repeat(21)}`,
      'quiz:w:r1',
      'quiz:w:r1:0:o1',
      'quiz:w:r1:x',
      `quiz:a:${'r'.repeat(33)}:0:o1`,
    ];
    for (const raw of forged) expect(decodeRoundButton(raw), raw).toBeNull();
    for (const raw of notStrings) expect(decodeRoundButton(raw)).toBeNull();
  });

  it('refuses to encode what would not decode back (a bug, not bad input)', () => {
    expect(() => encodeRoundButton({ kind: 'answer', roundId: 'has:colon', question: 0, optionId: 'o1' })).toThrow(RangeError);
    expect(() => encodeRoundButton({ kind: 'answer', roundId: 'r1', question: 0, optionId: 'Upper' })).toThrow(RangeError);
    expect(() => encodeRoundButton({ kind: 'why', roundId: 'r1', question: 1.5 })).toThrow(RangeError);
  });
});

describe('practice buttons', () => {
  const longest = 'z'.repeat(24); // the longest article id the schema allows
  const valid: Array<PracticeButton & { article: string }> = [
    { kind: 'answer', article: 'global-health-passport', questionId: 'quote-integrity-3', optionId: 'bracket', category: null },
    { kind: 'answer', article: longest, questionId: 'x'.repeat(40), optionId: 'y'.repeat(20), category: 'missing-context' },
    { kind: 'next', article: longest, category: 'verification' },
    { kind: 'next', article: 'harbour-bridge', category: null },
  ];

  it('round-trips within 100 characters at the longest ids, the article and the category travelling along', () => {
    for (const id of valid) {
      const raw = encodePracticeButton(id);
      expect(raw.length).toBeLessThanOrEqual(100);
      expect(decodePracticeButton(raw)).toEqual(id);
    }
    expect(encodePracticeButton({ kind: 'answer', article: 'art', questionId: 'q-1', optionId: 'o1', category: null })).toBe('practice:q:art:q-1:o1:a');
    expect(encodePracticeButton({ kind: 'next', article: 'art', category: 'attribution' })).toBe('practice:m:art:1');
  });

  it('still reads the buttons of messages posted before articles had ids, as the first article’s', () => {
    expect(decodePracticeButton('practice:a:q-1:o1:all')).toEqual({ kind: 'answer', article: null, questionId: 'q-1', optionId: 'o1', category: null });
    expect(decodePracticeButton('practice:a:q-1:o1:verification')).toEqual({ kind: 'answer', article: null, questionId: 'q-1', optionId: 'o1', category: 'verification' });
    expect(decodePracticeButton('practice:n:all')).toEqual({ kind: 'next', article: null, category: null });
  });

  it('rejects forged ids', () => {
    const forged = [
      ...commonForgeries,
      'practice:a:Bad_Id:o1:all',
      'practice:a:../etc:o1:all',
      'practice:a:q-1',
      'practice:a:q-1:o1',
      'practice:a:q-1:o1:politics',
      'practice:a:q-1::all',
      `practice:a:${'x'.repeat(41)}:o1:all`,
      'practice:n:politics',
      'practice:n',
      'practice:n:all:x',
      'practice:q:art:q-1:o1:all', // the new form takes a skill's code, not its name
      'practice:q:art:q-1:o1:6',
      'practice:q:Art:q-1:o1:a',
      `practice:q:${'z'.repeat(25)}:q-1:o1:a`,
      'practice:q::q-1:o1:a',
      'practice:q:art:q-1:a',
      'practice:m:art',
      'practice:m:art:9',
      'practice:m:art:a:x',
    ];
    for (const raw of forged) expect(decodePracticeButton(raw), raw).toBeNull();
    for (const raw of notStrings) expect(decodePracticeButton(raw)).toBeNull();
  });
});

describe('excerpt paging buttons', () => {
  it('round-trips a page of an article, and a disabled end button differs from a live one', () => {
    expect(encodeExcerptPage('art', 2)).toBe('excerpt:a:art:2');
    expect(encodeExcerptPage('art', 2, true)).toBe('excerpt:a:art:2:x');
    expect(decodeExcerptPage('excerpt:a:art:2:x')).toEqual({ article: 'art', page: 2 });
    expect(decodeExcerptPage(encodeExcerptPage('z'.repeat(24), 9999))).toEqual({ article: 'z'.repeat(24), page: 9999 });
  });

  it('still reads buttons posted before articles had ids (the first article’s pages)', () => {
    expect(decodeExcerptPage('excerpt:p:2')).toEqual({ article: null, page: 2 });
    expect(decodeExcerptPage('excerpt:p:2:x')).toEqual({ article: null, page: 2 });
  });

  it('rejects forged ids', () => {
    const forged = [...commonForgeries, 'excerpt:p:0', 'excerpt:p:10000', 'excerpt:p:', 'excerpt:p:1:2', 'excerpt:q:1', 'excerpt:p:01', 'excerpt:a:art', 'excerpt:a::2', 'excerpt:a:Art:2', 'excerpt:a:art:2:y', `excerpt:a:${'z'.repeat(25)}:2`];
    for (const raw of forged) expect(decodeExcerptPage(raw), raw).toBeNull();
    for (const raw of notStrings) expect(decodeExcerptPage(raw)).toBeNull();
    expect(() => encodeExcerptPage('art', 0)).toThrow(RangeError);
  });
});

describe('reset confirmation buttons', () => {
  const valid: AdminId[] = [{ kind: 'cancel' }, { kind: 'reset', expires: 1_796_158_565, token: 'Ab-_0123' }];

  it('round-trips', () => {
    for (const id of valid) expect(decodeAdminId(encodeAdminId(id))).toEqual(id);
  });

  it('rejects forged ids: a token of the wrong form, a non-numeric or negative expiry, extra parts', () => {
    const forged = [...commonForgeries, 'admin:cancel:x', 'admin:reset:1:short', 'admin:reset:x:Ab-_0123', 'admin:reset:-1:Ab-_0123', 'admin:reset:1:Ab-_0123:x', 'admin:reset'];
    for (const raw of forged) expect(decodeAdminId(raw), raw).toBeNull();
    for (const raw of notStrings) expect(decodeAdminId(raw)).toBeNull();
  });
});

describe('forget confirmation buttons', () => {
  const me = '123456789012345678';
  const them = '98765432109876543210';
  const valid: ForgetButton[] = [
    { kind: 'confirm', requester: me, target: me, expires: 1_796_158_565, token: 'Ab-_0123' },
    { kind: 'confirm', requester: me, target: them, expires: 99_999_999_999, token: 'zzzzzzzz' },
    { kind: 'cancel', requester: me },
  ];

  it('round-trips within 100 characters, naming who asked and whose records', () => {
    for (const id of valid) {
      const raw = encodeForgetButton(id);
      expect(raw.length).toBeLessThanOrEqual(100);
      expect(decodeForgetButton(raw)).toEqual(id);
    }
    expect(encodeForgetButton({ kind: 'cancel', requester: me })).toBe(`forget:n:${me}`);
  });

  it('rejects forged ids: user ids that are not snowflakes, a bad token or expiry, missing or extra parts', () => {
    const forged = [
      ...commonForgeries,
      'forget',
      'forget:n',
      `forget:n:${me}:x`,
      'forget:n:12345',
      `forget:n:0${me.slice(1)}`,
      `forget:x:${me}`,
      `forget:y:${me}:${me}:1`,
      `forget:y:${me}:${me}:1:short`,
      `forget:y:${me}:${me}:1:Ab-_0123:x`,
      `forget:y:${me}:alice:1:Ab-_0123`,
      `forget:y:${me}:${me}:-1:Ab-_0123`,
      `forget:y:${me}:${me}:1e9:Ab-_0123`,
      `forget:y:${me}:${me}:1:Ab-_01:3`,
      `forget:y:${me}1234:${me}:1:Ab-_0123`,
    ];
    for (const raw of forged) expect(decodeForgetButton(raw), raw).toBeNull();
    for (const raw of notStrings) expect(decodeForgetButton(raw)).toBeNull();
    expect(() => encodeForgetButton({ kind: 'cancel', requester: 'alice' })).toThrow(RangeError);
  });
});

describe('confidence buttons', () => {
  const longest = 'z'.repeat(24);
  const valid: ConfidenceButton[] = [
    { kind: 'practice', level: 'certain', article: longest, questionId: 'x'.repeat(40), optionId: 'y'.repeat(20), category: 'missing-context' },
    { kind: 'practice', level: 'skip', article: 'art', questionId: 'q-1', optionId: 'o1', category: null },
    { kind: 'practice', level: 'guessing', article: 'art', questionId: 'q-1', optionId: 'o1', category: 'verification' },
    { kind: 'round', level: 'fairly-sure', roundId: 'r'.repeat(32), question: 99 },
    { kind: 'round', level: 'guessing', roundId: newRoundId(), question: 0 },
  ];

  it('round-trips every level within 100 characters at the longest ids', () => {
    for (const id of valid) {
      const raw = encodeConfidenceButton(id);
      expect(raw.length).toBeLessThanOrEqual(100);
      expect(decodeConfidenceButton(raw)).toEqual(id);
    }
    expect(encodeConfidenceButton(valid[0]!)).toHaveLength(97);
    expect(encodeConfidenceButton({ kind: 'practice', level: 'fairly-sure', article: 'art', questionId: 'q-1', optionId: 'o1', category: null })).toBe('conf:p:f:art:q-1:o1:a');
    expect(encodeConfidenceButton({ kind: 'round', level: 'certain', roundId: 'r1', question: 3 })).toBe('conf:r:c:r1:3');
  });

  it('rejects forged ids', () => {
    const forged = [
      ...commonForgeries,
      'conf',
      'conf:p:x:art:q-1:o1:a',
      'conf:p::art:q-1:o1:a',
      'conf:p:c:art:q-1:o1',
      'conf:p:c:art:q-1:o1:a:x',
      'conf:p:c:Art:q-1:o1:a',
      `conf:p:c:${'z'.repeat(25)}:q-1:o1:a`,
      `conf:p:c:art:${'x'.repeat(41)}:o1:a`,
      `conf:p:c:art:q-1:${'y'.repeat(21)}:a`,
      'conf:p:c:art:q-1:o1:9',
      'conf:p:c:art:q-1:o1:all',
      'conf:r:s:r1:0', // no Skip in rounds
      'conf:r:c:r1',
      'conf:r:c:r1:0:x',
      'conf:r:c:r 1:0',
      'conf:r:c:r1:01',
      'conf:r:c:r1:100',
      `conf:r:c:${'r'.repeat(33)}:0`,
      'conf:x:c:r1:0',
    ];
    for (const raw of forged) expect(decodeConfidenceButton(raw), raw).toBeNull();
    for (const raw of notStrings) expect(decodeConfidenceButton(raw)).toBeNull();
  });
});

describe('review buttons', () => {
  const user = '12345678901234567890'; // the longest snowflake
  const valid: ReviewButton[] = [
    { kind: 'page', userId: user, index: 24 },
    { kind: 'page', userId: '80351110224678912', index: 0 },
    { kind: 'retry', userId: user, article: 'z'.repeat(24), questionId: 'x'.repeat(40) },
    { kind: 'answer', article: 'z'.repeat(24), questionId: 'x'.repeat(40), optionId: 'y'.repeat(20) },
  ];

  it('round-trips within 100 characters at the longest ids, paging and Try again naming the list’s owner', () => {
    for (const id of valid) {
      const raw = encodeReviewButton(id);
      expect(raw.length).toBeLessThanOrEqual(100);
      expect(decodeReviewButton(raw)).toEqual(id);
    }
    expect(encodeReviewButton({ kind: 'page', userId: '80351110224678912', index: 2 })).toBe('review:p:80351110224678912:2');
    expect(encodeReviewButton({ kind: 'retry', userId: '80351110224678912', article: 'art', questionId: 'q-1' })).toBe('review:t:80351110224678912:art:q-1');
    expect(encodeReviewButton({ kind: 'answer', article: 'art', questionId: 'q-1', optionId: 'o1' })).toBe('review:a:art:q-1:o1');
  });

  it('rejects forged ids', () => {
    const forged = [
      ...commonForgeries,
      'review',
      'review:p:80351110224678912',
      'review:p:80351110224678912:25',
      'review:p:80351110224678912:-1',
      'review:p:80351110224678912:01',
      'review:p:80351110224678912:1:x',
      'review:p:12:0',
      'review:p:080351110224678912:0',
      `review:p:${'1'.repeat(21)}:0`,
      'review:t:80351110224678912:art',
      'review:t:80351110224678912:Art:q-1',
      'review:t:80351110224678912:art:q-1:o1',
      `review:t:80351110224678912:${'z'.repeat(25)}:q-1`,
      'review:a:art:q-1',
      'review:a:art:q-1:o_1',
      `review:a:art:q-1:${'y'.repeat(21)}`,
      `review:a:art:${'x'.repeat(41)}:o1`,
      'review:x:art:q-1:o1',
    ];
    for (const raw of forged) expect(decodeReviewButton(raw), raw).toBeNull();
    for (const raw of notStrings) expect(decodeReviewButton(raw)).toBeNull();
  });
});
