import type { Ranking } from './standings.js';
import type { Tally } from './tallies.js';

export interface Standing {
  rank: number;
  userId: string;
  userName: string;
  correct: number;
  answered: number;
  /** 0..1 */
  accuracy: number;
}

export interface Leaderboard {
  top: Standing[];
  /** Present when the caller has a tally but is not in `top`. */
  caller?: Standing;
  /** How many users are ranked. */
  total: number;
}

/** Negative when a ranks above b: more correct, then higher accuracy, then reached the score first, then user id. */
export function compareTallies(a: Tally, b: Tally): number {
  if (a.correct !== b.correct) return b.correct - a.correct;
  const accuracy = b.correct * a.answered - a.correct * b.answered;
  if (accuracy !== 0) return accuracy;
  const at = (a.lastCorrectAt ?? Infinity) - (b.lastCorrectAt ?? Infinity);
  if (at !== 0 && !Number.isNaN(at)) return at;
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

const standing = (t: Tally, rank: number): Standing => ({
  rank,
  userId: t.userId,
  userName: t.userName,
  correct: t.correct,
  answered: t.answered,
  accuracy: t.answered > 0 ? t.correct / t.answered : 0,
});

/** From a ranking kept in order: the top `size`, and the caller's own place when below them. */
export function leaderboardOf(ranking: Ranking, userId: string, size = 10): Leaderboard {
  const top = ranking.top(size).map((t, i) => standing(t, i + 1));
  const board: Leaderboard = { top, total: ranking.total };
  const me = ranking.find(userId);
  if (me && me.rank > top.length) board.caller = standing(me.tally, me.rank);
  return board;
}

/** One pass over an unordered list: keeps the best `size` in a small sorted array and counts who beats the caller. */
export function leaderboard(tallies: readonly Tally[], userId: string, size = 10): Leaderboard {
  const me = tallies.find((t) => t.userId === userId);
  const best: Tally[] = [];
  let above = 0;
  for (const t of tallies) {
    if (me && t !== me && compareTallies(t, me) < 0) above += 1;
    if (size <= 0) continue;
    const last = best[best.length - 1];
    if (best.length === size && last && compareTallies(t, last) >= 0) continue;
    let i = best.length;
    while (i > 0 && compareTallies(t, best[i - 1]!) < 0) i -= 1;
    best.splice(i, 0, t);
    if (best.length > size) best.pop();
  }
  const top = best.map((t, i) => standing(t, i + 1));
  const board: Leaderboard = { top, total: tallies.length };
  if (me && !best.includes(me)) board.caller = standing(me, above + 1);
  return board;
}

const percent = (s: { accuracy: number }) => `${Math.floor(s.accuracy * 100)}%`;
/** Escapes Discord markdown and mention syntax so a user name cannot restyle the board (mentions are off client-wide too). */
export const escapeMarkdown = (text: string) => text.replace(/[\\*_~`|<>#[\]()-]/g, '\\$&');

export function renderLeaderboard(board: Leaderboard): string {
  if (board.top.length === 0) return 'No one has answered a quiz question here yet.';
  const line = (s: Standing) => `${s.rank}. ${escapeMarkdown(s.userName)}: ${s.correct}/${s.answered} correct (${percent(s)})`;
  const lines = board.top.map(line);
  if (board.caller) lines.push('…', line(board.caller));
  return lines.join('\n');
}

export { renderTallySummary, summariseTally, type TallySummary } from './summary.js';

/**
 * The leaderboard of one article's answers: each tally counted by its
 * `byArticle` entry (ties still go to accuracy, then to who last scored first).
 */
export function articleLeaderboard(tallies: readonly Tally[], article: string, userId: string, size = 10): Leaderboard {
  const inArticle = tallies.flatMap((t) => {
    const a = t.byArticle?.[article];
    return a && a.answered > 0 ? [{ ...t, answered: a.answered, correct: a.correct }] : [];
  });
  return leaderboard(inArticle, userId, size);
}
