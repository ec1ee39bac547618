import type { ItemRef } from '../content/refs.js';
import { shuffled } from '../quiz/shuffle.js';
import { SEEN_LIMIT, type Box, type BoxEntry, type LearningState } from './state.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Days until a question in each box is due again: a missed question comes back after 1, then 3, then 7 days. */
export const BOX_DAYS: Readonly<Record<Box, number>> = { 1: 1, 2: 3, 3: 7 };

/** What an answer did to the question's place in the boxes. */
export type BoxMove =
  | { kind: 'boxed'; box: Box; due: number } // entered a box or moved within them
  | { kind: 'kept'; box: Box; due: number } // right before it was due: stays where it is
  | { kind: 'graduated' } // right from box 3: leaves the boxes
  | { kind: 'none' }; // right and not boxed: only seen

const boxed = (box: Box, at: number): BoxEntry => ({ box, due: at + BOX_DAYS[box] * DAY_MS });

/**
 * The Leitner rules for one answer, on copies of the boxes and last-seen times:
 * - wrong, wherever the question is (boxed, graduated, seen or new): box 1, due in a day;
 * - right when due: up a box (2: due in 3 days, 3: in 7 days), and from box 3 out of the boxes;
 * - right before it is due: it stays in its box with its due time, so a
 *   question answered again an hour later cannot skip the spacing;
 * - right and not boxed (first time right, or graduated): not boxed, only seen.
 */
export function applyToBoxes(
  state: Pick<LearningState, 'boxes' | 'seen'>,
  ref: ItemRef,
  correct: boolean,
  at: number,
): { boxes: Record<ItemRef, BoxEntry>; seen: Record<ItemRef, number>; move: BoxMove } {
  const boxes = { ...state.boxes };
  const seen = { ...state.seen, [ref]: Math.max(state.seen[ref] ?? at, at) };
  const current = boxes[ref];
  let move: BoxMove;
  if (!correct) {
    boxes[ref] = boxed(1, at);
    move = { kind: 'boxed', ...boxes[ref] };
  } else if (!current) {
    move = { kind: 'none' };
  } else if (at < current.due) {
    move = { kind: 'kept', ...current };
  } else if (current.box === 3) {
    delete boxes[ref];
    move = { kind: 'graduated' };
  } else {
    boxes[ref] = boxed((current.box + 1) as Box, at);
    move = { kind: 'boxed', ...boxes[ref] };
  }
  return { ...trimSeen(boxes, seen), move };
}

/**
 * Keeps the SEEN_LIMIT most recently answered refs. A ref dropped from `seen`
 * leaves the boxes too, so every boxed ref keeps a last-seen time.
 */
function trimSeen(boxes: Record<ItemRef, BoxEntry>, seen: Record<ItemRef, number>) {
  const refs = Object.keys(seen) as ItemRef[];
  if (refs.length <= SEEN_LIMIT) return { boxes, seen };
  const kept = refs.sort((a, b) => seen[b]! - seen[a]! || (a < b ? -1 : 1)).slice(0, SEEN_LIMIT);
  const keep = new Set(kept);
  const trimmedBoxes: Record<ItemRef, BoxEntry> = {};
  for (const [ref, entry] of Object.entries(boxes) as Array<[ItemRef, BoxEntry]>) if (keep.has(ref)) trimmedBoxes[ref] = entry;
  return { boxes: trimmedBoxes, seen: Object.fromEntries(kept.map((ref) => [ref, seen[ref]!])) as Record<ItemRef, number> };
}

export type PracticeKind = 'due' | 'new' | 'seen';

export interface PracticeOrder {
  /** Every ref of the bank once: due, then never seen, then the rest. */
  order: ItemRef[];
  /** The first question and why it comes first; undefined for an empty bank. */
  first: { ref: ItemRef; kind: PracticeKind } | undefined;
}

/**
 * The order practice should ask the bank in: questions due in the boxes first
 * (most overdue first), then questions never answered (in random order), then
 * the rest, least recently answered first (boxed questions not yet due are
 * among them). Boxed or seen refs that are not in the bank (a question removed
 * from the content) are ignored. Ties are broken by ref, so only the never-seen
 * part depends on rng.
 */
export function orderForPractice(bank: readonly ItemRef[], state: Pick<LearningState, 'boxes' | 'seen'>, now: number, rng: () => number = Math.random): PracticeOrder {
  const due: ItemRef[] = [];
  const fresh: ItemRef[] = [];
  const rest: ItemRef[] = [];
  for (const ref of new Set(bank)) {
    const box = state.boxes[ref];
    if (box && box.due <= now) due.push(ref);
    else if (state.seen[ref] === undefined && !box) fresh.push(ref);
    else rest.push(ref);
  }
  const byRef = (a: ItemRef, b: ItemRef) => (a < b ? -1 : a > b ? 1 : 0);
  due.sort((a, b) => state.boxes[a]!.due - state.boxes[b]!.due || byRef(a, b));
  rest.sort((a, b) => (state.seen[a] ?? 0) - (state.seen[b] ?? 0) || byRef(a, b));
  const order = [...due, ...shuffled(fresh.sort(byRef), rng), ...rest];
  const kind: PracticeKind = due.length > 0 ? 'due' : fresh.length > 0 ? 'new' : 'seen';
  return { order, first: order[0] === undefined ? undefined : { ref: order[0], kind } };
}

/** How many boxed questions are due at `now`; with a bank, only those still in it. */
export function dueCount(state: Pick<LearningState, 'boxes'>, now: number, bank?: readonly ItemRef[]): number {
  const inBank = bank ? new Set(bank) : undefined;
  return (Object.entries(state.boxes) as Array<[ItemRef, BoxEntry]>).filter(([ref, b]) => b.due <= now && (!inBank || inBank.has(ref))).length;
}
