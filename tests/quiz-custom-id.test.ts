import { describe, expect, it } from 'vitest';
import { decodeCustomId, encodeCustomId, type CustomId } from '../src/quiz/custom-id.js';
import { newRoundId } from '../src/quiz/rounds.js';

describe('custom ids', () => {
  const valid: CustomId[] = [
    { kind: 'quiz-answer', roundId: newRoundId(), question: 0, option: 4 },
    { kind: 'quiz-answer', roundId: 'a_B-9', question: 99, option: 0 },
    { kind: 'practice-answer', questionId: 'quote-integrity-3', option: 2, category: null },
    { kind: 'practice-answer', questionId: 'chain-01', option: 0, category: 'source-chain' },
    { kind: 'practice-next', category: 'verification' },
    { kind: 'practice-next', category: null },
    { kind: 'excerpt-page', page: 12 },
  ];

  it('round-trips every kind within 100 characters', () => {
    for (const id of valid) {
      const raw = encodeCustomId(id);
      expect(raw.length).toBeLessThanOrEqual(100);
      expect(decodeCustomId(raw)).toEqual(id);
    }
    expect(encodeCustomId({ kind: 'quiz-answer', roundId: 'r1', question: 3, option: 1 })).toBe('quiz:a:r1:3:1');
    expect(encodeCustomId({ kind: 'practice-answer', questionId: 'q-1', option: 1, category: null })).toBe('practice:a:q-1:1:all');
    expect(encodeCustomId({ kind: 'excerpt-page', page: 2 })).toBe('excerpt:p:2');
  });

  it('rejects forged ids: unknown prefix, wrong arity, non-integers, out of range, bad ids', () => {
    const forged = [
      '',
      'quiz',
      'nope:a:r1:0:0',
      'quiz:b:r1:0:0',
      'quiz:a:r1:0',
      'quiz:a:r1:0:0:0',
      'quiz:a::0:0',
      'quiz:a:r 1:0:0',
      'quiz:a:r1:-1:0',
      'quiz:a:r1:01:0',
      'quiz:a:r1:1e1:0',
      'quiz:a:r1:0x1:0',
      'quiz:a:r1: 1:0',
      'quiz:a:r1:1.0:0',
      'quiz:a:r1:100:0',
      'quiz:a:r1:0:5',
      'quiz:a:r1:0:NaN',
      'quiz:a:r1:99999999999999999999:0',
      'practice:a:Bad_Id:0',
      'practice:a:../etc:0',
      'practice:a:q-1',
      'practice:a:q-1:9',
      'practice:a:q-1:1',
      'practice:a:q-1:1:politics',
      'practice:n:politics',
      'excerpt:p:0',
      'excerpt:p:10000',
      'excerpt:p:',
      'excerpt:p:1:2',
      `quiz:a:${'r'.repeat(90)}:0:0`,
      'x'.repeat(101),
    ];
    for (const raw of forged) expect(decodeCustomId(raw), raw).toBeNull();
    expect(decodeCustomId(42)).toBeNull();
    expect(decodeCustomId(undefined)).toBeNull();
  });

  it('refuses to encode something that would not decode', () => {
    expect(() => encodeCustomId({ kind: 'quiz-answer', roundId: 'has:colon', question: 0, option: 0 })).toThrow(RangeError);
    expect(() => encodeCustomId({ kind: 'excerpt-page', page: 0 })).toThrow(RangeError);
    expect(() => encodeCustomId({ kind: 'practice-answer', questionId: 'q', option: 1.5, category: null })).toThrow(RangeError);
  });
});
