import { CATEGORIES, type Category } from '../content/schema.js';

/** Button custom ids. Clients can send any string, so decoding trusts nothing. */
export type CustomId =
  | { kind: 'quiz-answer'; roundId: string; question: number; option: number }
  | { kind: 'practice-answer'; questionId: string; option: number; category: Category | null }
  | { kind: 'practice-next'; category: Category | null }
  | { kind: 'excerpt-page'; page: number };

export const CUSTOM_ID_MAX = 100;
export const MAX_OPTIONS = 5; // questionSchema allows 2..5 options
export const MAX_ROUND_QUESTIONS = 100;
export const MAX_PAGE = 9999;

const ROUND_ID = /^[A-Za-z0-9_-]{1,32}$/;
const QUESTION_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/; // as in content/schema.ts
// Digits only, no sign, no leading zero, no exponent: Number() alone would take " 1", "1e1", "0x1".
const INT = /^(?:0|[1-9][0-9]{0,5})$/;

function int(text: string | undefined, min: number, max: number): number | null {
  if (text === undefined || !INT.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** The practice category a button carries: a category, null for all, undefined when forged. */
const categoryPart = (text: string | undefined): Category | null | undefined => (text === 'all' ? null : CATEGORIES.find((c) => c === text));

export function decodeCustomId(raw: unknown): CustomId | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > CUSTOM_ID_MAX) return null;
  const parts = raw.split(':');
  const [prefix, action] = parts;
  if (prefix === 'quiz' && action === 'a' && parts.length === 5) {
    const [, , roundId = '', q, o] = parts;
    const question = int(q, 0, MAX_ROUND_QUESTIONS - 1);
    const option = int(o, 0, MAX_OPTIONS - 1);
    if (!ROUND_ID.test(roundId) || question === null || option === null) return null;
    return { kind: 'quiz-answer', roundId, question, option };
  }
  if (prefix === 'practice' && action === 'a' && parts.length === 5) {
    const [, , questionId = '', o, c] = parts;
    const option = int(o, 0, MAX_OPTIONS - 1);
    const category = categoryPart(c);
    if (questionId.length > 64 || !QUESTION_ID.test(questionId) || option === null || category === undefined) return null;
    return { kind: 'practice-answer', questionId, option, category };
  }
  if (prefix === 'practice' && action === 'n' && parts.length === 3) {
    const category = categoryPart(parts[2]);
    return category === undefined ? null : { kind: 'practice-next', category };
  }
  if (prefix === 'excerpt' && action === 'p' && parts.length === 3) {
    const page = int(parts[2], 1, MAX_PAGE);
    return page === null ? null : { kind: 'excerpt-page', page };
  }
  return null;
}

/** Throws (a bug, not a user error) if the result would not decode back to the same value. */
export function encodeCustomId(id: CustomId): string {
  const raw =
    id.kind === 'quiz-answer'
      ? `quiz:a:${id.roundId}:${id.question}:${id.option}`
      : id.kind === 'practice-answer'
        ? `practice:a:${id.questionId}:${id.option}:${id.category ?? 'all'}`
        : id.kind === 'practice-next'
          ? `practice:n:${id.category ?? 'all'}`
          : `excerpt:p:${id.page}`;
  const back = decodeCustomId(raw);
  const same = back !== null && Object.entries(back).every(([key, value]) => (id as Record<string, unknown>)[key] === value);
  if (!same) throw new RangeError(`Cannot encode custom id ${JSON.stringify(id)}`);
  return raw;
}
