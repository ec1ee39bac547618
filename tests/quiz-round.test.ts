import type { Content } from '../src/content/types.js';
import { describe, expect, it } from 'vitest';
import type { Question } from '../src/content/schema.js';
import { Round } from '../src/quiz/round.js';
import { RoundRegistry } from '../src/quiz/rounds.js';

const question = (id: string, correct: number, options = 3): Question => ({
  id,
  category: 'attribution',
  difficulty: 1,
  prompt: `Prompt ${id}?`,
  options: Array.from({ length: options }, (_, i) => ({ id: `o${i}`, text: `Option ${i}`, correct: i === correct, ...(i === correct ? {} : { why: `Not ${i}.` }) })),
  cites: [1],
  quotes: ['a quote'],
  explanation: 'Because.',
});

/** Rounds only hold their article (for reveals and "Why not mine?"); these tests never read it. */
const article = {} as Content;

const newRound = (questions = [question('q-one', 1), question('q-two', 0), question('q-three', 2)], rng?: () => number) =>
  new Round({ id: 'r1', guildId: 'g', channelId: 'c', starterId: 'u0', article, questions, seconds: 20, ...(rng ? { rng } : {}) });
const started = (result: ReturnType<RoundRegistry['start']>): Round => {
  if (result.kind !== 'started') throw new Error('expected the round to start');
  return result.round;
};

describe('Round', () => {
  it('refuses a second answer to the same question and keeps the first', () => {
    const round = newRound();
    expect(round.answer(0, 'alice', 'o1')).toBe('accepted');
    expect(round.answer(0, 'alice', 'o2')).toBe('already-answered');
    expect(round.answer(0, 'alice', 'o1')).toBe('already-answered');
    expect(round.close()?.answers.get('alice')).toBe('o1');
  });

  it('refuses answers after the question is closed, and answers to earlier questions', () => {
    const round = newRound();
    round.close();
    expect(round.answer(0, 'bob', 'o1')).toBe('closed');
    round.next();
    expect(round.answer(0, 'bob', 'o1')).toBe('closed');
    expect(round.answer(1, 'bob', 'o0')).toBe('accepted');
  });

  it('rejects forged question indexes and option ids', () => {
    const round = newRound();
    expect(round.answer(1, 'bob', 'o0')).toBe('invalid');
    expect(round.answer(0, 'bob', 'o3')).toBe('invalid');
    expect(round.answer(0, 'bob', '0')).toBe('invalid');
    expect(round.answer(0.5, 'bob', 'o0')).toBe('invalid');
    expect(round.answerCount).toBe(0);
  });

  it('counts answers per option at the reveal and lists who was right', () => {
    const round = newRound();
    round.answer(0, 'a', 'o1');
    round.answer(0, 'b', 'o0');
    round.answer(0, 'c', 'o1');
    round.answer(0, 'd', 'o2');
    const reveal = round.close()!;
    expect(reveal.correctId).toBe('o1');
    expect(Object.fromEntries(reveal.counts)).toEqual({ o0: 1, o1: 2, o2: 1 });
    expect(reveal.correctUsers).toEqual(['a', 'c']);
    expect(reveal.question.id).toBe('q-one');
  });

  it('gives the reveal only once, so a timer and a skip cannot both post it', () => {
    const round = newRound();
    expect(round.close()).toBeDefined();
    expect(round.close()).toBeUndefined();
  });

  it('exposes no choice and no score before the reveal', () => {
    const round = newRound();
    round.answer(0, 'a', 'o1');
    expect(round.answerCount).toBe(1);
    expect(round.scores()).toEqual([]);
    // Picks live in private fields only: no public field could carry them to a renderer.
    expect(Object.keys(round).sort()).toEqual(['article', 'channelId', 'guildId', 'id', 'questions', 'seconds', 'shown', 'starterId']);
  });

  it('shows each question with its options shuffled, and scores by option id whatever the order', () => {
    const rng = (values: number[]) => () => values.shift() ?? 0;
    const first = newRound([question('q-one', 1)], rng([0, 0]));
    const second = newRound([question('q-one', 1)], rng([0.99, 0.99]));
    const order = (r: Round) => r.shown[0]!.map((o) => o.id);
    expect(order(first)).not.toEqual(order(second));
    expect([...order(first)].sort()).toEqual(['o0', 'o1', 'o2']);
    for (const r of [first, second]) {
      r.answer(0, 'amy', 'o1');
      expect(r.close()?.correctUsers).toEqual(['amy']);
    }
  });

  it('scores the round: most correct first, then fewer answered, then user id', () => {
    const round = newRound();
    round.answer(0, 'zed', 'o1');
    round.answer(0, 'amy', 'o1');
    round.answer(0, 'bob', 'o0');
    round.close();
    expect(round.next()).toBe(true);
    round.answer(1, 'bob', 'o0');
    round.answer(1, 'amy', 'o1');
    round.close();
    expect(round.next()).toBe(true);
    round.answer(2, 'cat', 'o2');
    round.close();
    expect(round.finished).toBe(true);
    expect(round.next()).toBe(false);
    expect(round.scores()).toEqual([
      { userId: 'cat', correct: 1, answered: 1 },
      { userId: 'zed', correct: 1, answered: 1 },
      { userId: 'amy', correct: 1, answered: 2 },
      { userId: 'bob', correct: 1, answered: 2 },
    ]);
  });

  it('will not move on while a question is open', () => {
    expect(() => newRound().next()).toThrow(/Close the current question/);
  });

  it('refuses an empty round', () => {
    expect(() => newRound([])).toThrow(RangeError);
  });
});

describe('RoundRegistry', () => {
  const options = { guildId: 'g', channelId: 'c1', starterId: 'u', article, questions: [question('q-one', 0)], seconds: 20 };

  it('allows one round per channel and names the channel of the running one', () => {
    const registry = new RoundRegistry();
    const round = started(registry.start(options));
    expect(registry.start(options)).toEqual({ kind: 'busy', running: round });
    expect(started(registry.start({ ...options, channelId: 'c2' })).id).not.toBe(round.id);
    expect(registry.inChannel('c1')).toBe(round);
  });

  it('finds rounds by id; an unknown id means the round is over', () => {
    const registry = new RoundRegistry();
    const round = started(registry.start(options));
    expect(registry.get(round.id)).toBe(round);
    expect(round.id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(registry.get('gone1234')).toBeUndefined();
  });

  it('stop ends the round, returns the open question reveal and frees the channel', () => {
    const registry = new RoundRegistry();
    const round = started(registry.start(options));
    round.answer(0, 'a', 'o0');
    const stopped = registry.stop('c1');
    expect(stopped?.round).toBe(round);
    expect(Object.fromEntries(stopped?.reveal?.counts ?? [])).toEqual({ o0: 1, o1: 0, o2: 0 });
    expect(round.finished).toBe(true);
    expect(round.answer(0, 'b', 'o0')).toBe('closed');
    expect(registry.get(round.id)).toBeUndefined();
    expect(registry.stop('c1')).toBeUndefined();
    expect(started(registry.start(options))).toBeInstanceOf(Round);
  });

  it('finish from a late timer does not end a newer round in the same channel', () => {
    const registry = new RoundRegistry();
    const old = started(registry.start(options));
    registry.stop('c1');
    const fresh = started(registry.start(options));
    expect(registry.finish(old)).toBe(false);
    expect(registry.inChannel('c1')).toBe(fresh);
    expect(registry.finish(fresh)).toBe(true);
    expect(registry.size).toBe(0);
  });
});
