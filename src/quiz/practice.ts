import type { Category, Question } from '../content/schema.js';
import type { Content } from '../content/types.js';
import { UserError } from '../errors.js';
import type { Store } from '../storage/store.js';
import { getSeen, pickQuestions, rememberSeen } from './select.js';
import { recordAnswer } from './tallies.js';

const answeredKey = (guildId: string, userId: string) => `practice-answered:${guildId}:${userId}`;
const seenScope = (guildId: string, userId: string) => `practice:${guildId}:${userId}`;

/** The next practice question for a user, preferring ones they have not seen lately. */
export async function nextPracticeQuestion(store: Store, content: Content, guildId: string, userId: string, category: Category | null): Promise<Question> {
  const bank = content.questions({ category: category ?? undefined });
  const recent = await getSeen(store, seenScope(guildId, userId));
  const [question] = pickQuestions(bank, { count: 1, recent });
  if (!question) throw new UserError('There are no practice questions in that category.');
  await rememberSeen(store, seenScope(guildId, userId), [question.id]);
  return question;
}

/**
 * Records a practice answer once per question message: the message ids a user
 * answered are kept (durably, under the lock), so a double click or a click on
 * an old message after a restart cannot count twice.
 */
export async function recordPracticeAnswer(
  store: Store,
  input: { guildId: string; userId: string; userName: string; messageId: string; question: Question; option: number; at: number },
): Promise<boolean> {
  const correct = input.question.options[input.option]?.correct === true;
  await store.update<string[]>(answeredKey(input.guildId, input.userId), async (answered = []) => {
    if (answered.includes(input.messageId)) throw new UserError('You have already answered this question. Click **Next question** for another.');
    await recordAnswer(store, { guildId: input.guildId, userId: input.userId, userName: input.userName, category: input.question.category, correct, at: input.at });
    return [...answered, input.messageId].slice(-50);
  });
  return correct;
}
