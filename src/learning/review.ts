import type { ItemRef } from '../content/refs.js';
import { REVIEW_LIMIT, type ReviewEntry } from './state.js';

/**
 * The list with a wrong answer added: one entry per question, newest first,
 * the last REVIEW_LIMIT kept. A repeated wrong answer replaces the question's
 * entry and so moves it to the front. Answers can reach the lock slightly out
 * of order, so the list is kept sorted by time, and an answer older than the
 * question's entry leaves the entry as it is.
 */
export function recordWrong(list: readonly ReviewEntry[], entry: ReviewEntry): ReviewEntry[] {
  const existing = list.find((e) => e.ref === entry.ref);
  if (existing && existing.at > entry.at) return [...list];
  const rest = list.filter((e) => e.ref !== entry.ref);
  // The new entry goes first, so among equal times it counts as the newest (sort is stable).
  return [entry, ...rest].sort((a, b) => b.at - a.at).slice(0, REVIEW_LIMIT);
}

/** The list without the question: answered right on a retry, it is reviewed. */
export function markReviewed(list: readonly ReviewEntry[], ref: ItemRef): ReviewEntry[] {
  return list.filter((e) => e.ref !== ref);
}
