import { describe, expect, it } from 'vitest';
import { describeRecords } from '../src/render/records.js';

describe('what a removal says it removed', () => {
  it('names each kind of record with its count, joined as a sentence', () => {
    expect(describeRecords({ answers: 23, practiceHistory: true, learning: false, pickRounds: 3 })).toBe('1 tally (23 answers), 1 practice history and picks in 3 rounds');
    expect(describeRecords({ answers: 1, practiceHistory: false, learning: false, pickRounds: 1 })).toBe('1 tally (1 answer) and picks in 1 round');
    expect(describeRecords({ answers: undefined, practiceHistory: true, learning: false, pickRounds: 0 })).toBe('1 practice history');
    expect(describeRecords({ answers: 0, practiceHistory: false, learning: false, pickRounds: 0 })).toBe('1 tally (0 answers)');
    expect(describeRecords({ answers: undefined, practiceHistory: false, learning: false, pickRounds: 0 })).toBe('');
    expect(describeRecords({ answers: 2, practiceHistory: true, learning: true, pickRounds: 1 })).toBe(
      '1 tally (2 answers), 1 practice history, 1 learning record (review list, practice boxes and confidence ratings) and picks in 1 round',
    );
    expect(describeRecords({ answers: undefined, practiceHistory: false, learning: true, pickRounds: 0 })).toBe('1 learning record (review list, practice boxes and confidence ratings)');
  });
});
