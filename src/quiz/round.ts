import type { Option, Question } from '../content/schema.js';
import type { Content } from '../content/types.js';
import { inOrder, presentationOrder } from './shuffle.js';

export interface RoundOptions {
  id: string;
  guildId: string;
  channelId: string;
  starterId: string;
  /**
   * The article the questions come from, as loaded when the round started: a
   * reload or a change of the channel's article does not touch a running round.
   */
  article: Content;
  questions: readonly Question[];
  /** How long each question stays open; the caller runs the timer. */
  seconds: number;
  /** Shuffles each question's options; Math.random by default. */
  rng?: () => number;
  /** The option orders to show instead of shuffling (a restored round keeps the orders it showed). */
  orders?: readonly (readonly string[])[];
}

export type AnswerResult = 'accepted' | 'already-answered' | 'closed' | 'invalid';

/**
 * What a round is, as stored so it goes on after a restart: questions and
 * option orders by id, where it is, and the scores so far. The open question's
 * answers are stored one key per click (see round-store.ts) and passed back in.
 */
export interface RoundState {
  id: string;
  guildId: string;
  channelId: string;
  starterId: string;
  article: string;
  questions: string[];
  shown: string[][];
  seconds: number;
  current: number;
  open: boolean;
  finished: boolean;
  scores: Record<string, { correct: number; answered: number }>;
}

export interface Reveal {
  questionIndex: number;
  question: Question;
  /** The options in the order this round showed them. */
  shown: readonly Option[];
  correctId: string;
  /** How many chose each option, by option id. */
  counts: ReadonlyMap<string, number>;
  /** userId -> chosen option id, in answer order. */
  answers: ReadonlyMap<string, string>;
  /** Users who chose a correct option, in answer order. */
  correctUsers: string[];
}

export interface RoundScore {
  userId: string;
  correct: number;
  answered: number;
}

/**
 * One quiz round in one channel. Synchronous on purpose: with no await between
 * the check and the write, two clicks cannot both be accepted.
 */
export class Round {
  readonly id: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly starterId: string;
  readonly article: Content;
  readonly questions: readonly Question[];
  readonly seconds: number;
  /** Per question, its options in the order this round shows them. */
  readonly shown: ReadonlyArray<readonly Option[]>;
  #current = 0;
  #open = true;
  #finished = false;
  #answers = new Map<string, string>();
  readonly #scores = new Map<string, RoundScore>();

  constructor(options: RoundOptions) {
    if (options.questions.length === 0) throw new RangeError('A round needs at least one question');
    ({ id: this.id, guildId: this.guildId, channelId: this.channelId, starterId: this.starterId, article: this.article, seconds: this.seconds } = options);
    this.questions = [...options.questions];
    this.shown = this.questions.map((q, i) => (options.orders?.[i] && inOrder(q, options.orders[i]!)) || inOrder(q, presentationOrder(q, options.rng))!);
  }

  get current(): number {
    return this.#current;
  }
  get question(): Question {
    return this.questions[this.#current]!;
  }
  /** Whether the current question still takes answers. */
  get open(): boolean {
    return this.#open;
  }
  get finished(): boolean {
    return this.#finished;
  }
  /** How many have answered the current question (not what they chose). */
  get answerCount(): number {
    return this.#answers.size;
  }
  get isLast(): boolean {
    return this.#current === this.questions.length - 1;
  }

  /** Options are named by id: a button means the same option whatever order it was shown in. */
  answer(questionIndex: number, userId: string, optionId: string): AnswerResult {
    if (!Number.isInteger(questionIndex) || questionIndex < 0 || questionIndex > this.#current) return 'invalid';
    if (questionIndex < this.#current || !this.#open) return 'closed';
    if (!this.question.options.some((o) => o.id === optionId)) return 'invalid';
    if (this.#answers.has(userId)) return 'already-answered';
    this.#answers.set(userId, optionId);
    return 'accepted';
  }

  /** The user's pick in the question while it is open (before its reveal); undefined once it closed or when they have not answered. */
  openPick(questionIndex: number, userId: string): string | undefined {
    return questionIndex === this.#current && this.#open ? this.#answers.get(userId) : undefined;
  }

  /** Takes back an accepted answer that could not be recorded, so the user may click again. */
  withdraw(questionIndex: number, userId: string): void {
    if (questionIndex === this.#current && this.#open) this.#answers.delete(userId);
  }

  /** Whether the user has an answer in this round: to the open question, or counted in the scores. */
  hasAnswered(userId: string): boolean {
    return this.#answers.has(userId) || this.#scores.has(userId);
  }

  /**
   * Drops the user's answers (the open question's and their score so far), for
   * a person who asked to be forgotten: the reveal counts and the summary go on
   * without them. Returns whether there was anything to drop.
   */
  forget(userId: string): boolean {
    const had = this.hasAnswered(userId);
    this.#answers.delete(userId);
    this.#scores.delete(userId);
    return had;
  }

  /**
   * Closes the current question. Returns the reveal once; undefined if it was
   * already closed, so a timer and a manual skip cannot both post it.
   */
  close(): Reveal | undefined {
    if (!this.#open) return undefined;
    this.#open = false;
    const question = this.question;
    const correctId = question.options.find((o) => o.correct)!.id;
    const counts = new Map(question.options.map((o) => [o.id, 0]));
    const correctUsers: string[] = [];
    for (const [userId, optionId] of this.#answers) {
      counts.set(optionId, (counts.get(optionId) ?? 0) + 1);
      const right = optionId === correctId;
      if (right) correctUsers.push(userId);
      // Scores only move at the reveal, so scores() never leaks an open question's answers.
      const s = this.#scores.get(userId) ?? { userId, correct: 0, answered: 0 };
      this.#scores.set(userId, { userId, correct: s.correct + (right ? 1 : 0), answered: s.answered + 1 });
    }
    if (this.isLast) this.#finished = true;
    const shown = this.shown[this.#current]!;
    return { questionIndex: this.#current, question, shown, correctId, counts, answers: this.#answers, correctUsers };
  }

  /** Opens the next question; false when there is none (the round is finished). */
  next(): boolean {
    if (this.#finished) return false;
    if (this.#open) throw new Error('Close the current question before moving on');
    if (this.isLast) {
      this.#finished = true;
      return false;
    }
    this.#current += 1;
    this.#open = true;
    this.#answers = new Map();
    return true;
  }

  /** Ends the round early; the open question, if any, is closed and returned. */
  stop(): Reveal | undefined {
    const reveal = this.close();
    this.#finished = true;
    return reveal;
  }

  /** The round as stored (the open question's answers are kept apart, one key per click). */
  toState(): RoundState {
    return {
      id: this.id,
      guildId: this.guildId,
      channelId: this.channelId,
      starterId: this.starterId,
      article: this.article.id,
      questions: this.questions.map((q) => q.id),
      shown: this.shown.map((options) => options.map((o) => o.id)),
      seconds: this.seconds,
      current: this.#current,
      open: this.#open,
      finished: this.#finished,
      scores: Object.fromEntries([...this.#scores].map(([userId, s]) => [userId, { correct: s.correct, answered: s.answered }])),
    };
  }

  /**
   * A stored round, rebuilt on the article as served now. Undefined when the
   * article no longer has one of its questions, or an option order no longer
   * fits (the pack was edited meanwhile): such a round cannot go on.
   */
  static restore(state: RoundState, article: Content, answers: ReadonlyMap<string, string>): Round | undefined {
    const questions = state.questions.map((id) => article.question(id));
    if (questions.some((q) => !q) || state.shown.length !== questions.length) return undefined;
    const orders = questions.map((q, i) => inOrder(q!, state.shown[i]!));
    if (orders.some((o) => !o)) return undefined;
    const round = new Round({ ...state, article, questions: questions as Question[], orders: state.shown });
    round.#current = state.current;
    round.#open = state.open;
    round.#finished = state.finished;
    for (const [userId, s] of Object.entries(state.scores)) round.#scores.set(userId, { userId, ...s });
    const current = round.questions[state.current];
    for (const [userId, optionId] of answers) if (current?.options.some((o) => o.id === optionId)) round.#answers.set(userId, optionId);
    return round;
  }

  /** Most correct first, then fewer answered (higher accuracy), then user id. */
  scores(): RoundScore[] {
    return [...this.#scores.values()].sort(
      (a, b) => b.correct - a.correct || a.answered - b.answered || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
    );
  }
}
