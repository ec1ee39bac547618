import type { Category, Question } from '../content/schema.js';
import { itemRef, parseRef } from '../content/refs.js';
import type { PracticeKind } from '../learning/boxes.js';
import { practiceOrder } from '../learning/record.js';
import type { Content } from '../content/types.js';
import type { Store } from '../storage/store.js';
import { practiceSeenKey, rememberSeen } from './select.js';
import { recordAnswerOnce, type TallyBook } from './tallies.js';

/** The key of a user's practice history (the questions they saw lately) in a guild. */
export const practiceHistoryKey = practiceSeenKey;

/**
 * The next practice question for a user: the first of their spaced-practice
 * order over the bank (a question due for review, else one never answered,
 * else the one answered longest ago; see practiceOrder), with why it comes
 * first. The question is also remembered as shown, in the practice history.
 * Undefined when the category has no questions.
 */
export async function nextPracticeQuestion(
  store: Store,
  content: Content,
  guildId: string,
  userId: string,
  category: Category | null,
  now: number,
): Promise<{ question: Question; kind: PracticeKind } | undefined> {
  const bank = content.questions({ category: category ?? undefined });
  const { first } = await practiceOrder(store, guildId, userId, bank.map((q) => itemRef(content.id, q.id)), now);
  const question = first && content.question(parseRef(first.ref)?.id ?? '');
  if (!first || !question) return undefined;
  await rememberSeen(store, practiceSeenKey(guildId, userId), [first.ref]);
  return { question, kind: first.kind };
}

export type PracticeResult = { kind: 'recorded'; correct: boolean } | { kind: 'already-answered' };

/** Records a practice answer once per question message, in one atomic write of the user's tally. */
export async function recordPracticeAnswer(
  book: TallyBook,
  input: { guildId: string; userId: string; userName: string; messageId: string; article: string; question: Question; optionId: string; at: number },
): Promise<PracticeResult> {
  const correct = input.question.options.some((o) => o.id === input.optionId && o.correct);
  const event = { guildId: input.guildId, userId: input.userId, userName: input.userName, category: input.question.category, article: input.article, correct, at: input.at };
  const result = await recordAnswerOnce(book, event, input.messageId);
  return result === 'already-answered' ? { kind: 'already-answered' } : { kind: 'recorded', correct };
}

/** Deletes the user's practice history in the guild; resolves to whether there was one. */
export async function forgetPracticeHistory(store: Store, guildId: string, userId: string): Promise<boolean> {
  let had = false;
  // Under the key's lock, like rememberSeen's writes.
  await store.update<string[]>(practiceHistoryKey(guildId, userId), (current) => {
    had = current !== undefined;
    return undefined;
  });
  return had;
}
