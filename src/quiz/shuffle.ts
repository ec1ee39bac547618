import type { Option, Question } from '../content/schema.js';

/** A Fisher–Yates shuffle into a new array; `rng` returns [0, 1). */
export function shuffled<T>(items: readonly T[], rng: () => number = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The option ids in the order one presentation shows them. Every round and
 * practice message shuffles afresh, so a position carries no information and
 * everything after (buttons, reveal, tallies) refers to options by id.
 */
export const presentationOrder = (question: Question, rng?: () => number): string[] => shuffled(question.options, rng).map((o) => o.id);

/** The options in the given order; undefined unless `ids` is exactly a permutation of the question's option ids. */
export function inOrder(question: Question, ids: readonly string[]): Option[] | undefined {
  if (ids.length !== question.options.length) return undefined;
  const out: Option[] = [];
  for (const id of ids) {
    const option = question.options.find((o) => o.id === id);
    if (!option || out.includes(option)) return undefined;
    out.push(option);
  }
  return out;
}

export const correctOption = (question: Question): Option => question.options.find((o) => o.correct)!;
