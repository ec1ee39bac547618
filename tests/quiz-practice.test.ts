import { afterEach, describe, expect, it } from 'vitest';
import type { Question } from '../src/content/schema.js';
import { recordPracticeAnswer } from '../src/quiz/practice.js';
import { Standings } from '../src/quiz/standings.js';
import { systemClock } from '../src/clock.js';
import { getTally, RECENT_PRACTICE } from '../src/quiz/tallies.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { silentLogger } from './support/log.js';

const question: Question = {
  id: 'q-1',
  category: 'attribution',
  difficulty: 1,
  prompt: 'Who?',
  options: [
    { id: 'right', text: 'Right', correct: true },
    { id: 'wrong', text: 'Wrong', correct: false, why: 'Because.' },
  ],
  cites: [1],
  quotes: ['q'],
  explanation: 'e',
};

let stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  stores = [];
});

/** A store whose next update runs the change, then fails to write it (a full disk, a lost connection). */
async function failingOnce(): Promise<{ store: Store; failNext: () => void }> {
  const inner = await openStore('memory://', silentLogger());
  stores.push(inner);
  let fail = false;
  const store: Store = {
    ...inner,
    async update(key, change) {
      if (!fail) return inner.update(key, change);
      fail = false;
      await change(await inner.get(key));
      throw new Error('write failed');
    },
  };
  return { store, failNext: () => (fail = true) };
}

const answer = (store: Store, messageId: string, optionId = 'right') =>
  recordPracticeAnswer({ store, standings: new Standings(systemClock) }, { guildId: 'g', userId: 'u', userName: 'amy', messageId, article: 'a1', question, optionId, at: 1 });

describe('a practice answer is one atomic write', () => {
  it('a failed write leaves neither the count nor the "answered" mark, so the retry counts exactly once', async () => {
    const { store, failNext } = await failingOnce();
    failNext();
    await expect(answer(store, 'm1')).rejects.toThrow('write failed');
    expect(await getTally(store, 'g', 'u')).toBeUndefined();
    expect(await answer(store, 'm1')).toEqual({ kind: 'recorded', correct: true });
    expect(await answer(store, 'm1', 'wrong')).toEqual({ kind: 'already-answered' });
    expect(await getTally(store, 'g', 'u')).toMatchObject({ answered: 1, correct: 1, recentPractice: ['m1'] });
  });

  it('scores by option id and remembers only the most recent messages', async () => {
    const { store } = await failingOnce();
    expect(await answer(store, 'm0', 'wrong')).toEqual({ kind: 'recorded', correct: false });
    for (let i = 1; i <= RECENT_PRACTICE; i++) await answer(store, `m${i}`);
    const tally = await getTally(store, 'g', 'u');
    expect(tally).toMatchObject({ answered: RECENT_PRACTICE + 1, correct: RECENT_PRACTICE });
    expect(tally?.recentPractice).toHaveLength(RECENT_PRACTICE);
    expect(tally?.recentPractice).not.toContain('m0');
  });
});
