import { CATEGORIES, CATEGORY_LABELS, type Category } from '../content/schema.js';
import type { Tally } from './tallies.js';

export interface CategoryLine {
  category: Category;
  label: string;
  answered: number;
  correct: number;
  /** 0..1; 0 when not answered. */
  accuracy: number;
}

export interface TallySummary {
  answered: number;
  correct: number;
  accuracy: number;
  /** Every category, in CATEGORIES order; answered 0 means never tried. */
  categories: CategoryLine[];
  streak: number;
  bestStreak: number;
  /** Absent when every category has been tried and all are perfect. */
  weakest?: CategoryLine & { reason: 'lowest-accuracy' | 'never-tried'; suggestion: string };
}

const ratio = (correct: number, answered: number) => (answered > 0 ? correct / answered : 0);
// Floor, so 199/200 reads 99% rather than a perfect-looking 100%.
export const formatPercent = (accuracy: number) => `${Math.floor(accuracy * 100)}%`;
export const practiceSuggestion = (category: Category) => `Try \`/quiz practice category:${category}\``;

export function summariseTally(tally: Tally): TallySummary {
  const categories = CATEGORIES.map((category): CategoryLine => {
    const c = tally.byCategory[category] ?? { answered: 0, correct: 0 };
    return { category, label: CATEGORY_LABELS[category], answered: c.answered, correct: c.correct, accuracy: ratio(c.correct, c.answered) };
  });
  const summary: TallySummary = {
    answered: tally.answered,
    correct: tally.correct,
    accuracy: ratio(tally.correct, tally.answered),
    categories,
    streak: tally.streak,
    bestStreak: tally.bestStreak,
  };
  // Lowest accuracy first (more answers = surer on ties); if everything tried is perfect, suggest something untried.
  const tried = categories
    .filter((c) => c.answered > 0 && c.correct < c.answered)
    .sort((a, b) => a.accuracy - b.accuracy || b.answered - a.answered);
  const untried = categories.find((c) => c.answered === 0);
  const pick = tried[0] ? { ...tried[0], reason: 'lowest-accuracy' as const } : untried ? { ...untried, reason: 'never-tried' as const } : undefined;
  if (pick) summary.weakest = { ...pick, suggestion: practiceSuggestion(pick.category) };
  return summary;
}

export function renderTallySummary(s: TallySummary): string {
  if (s.answered === 0) return `No answers yet. ${practiceSuggestion(CATEGORIES[0])} to start.`;
  const lines = [`${s.correct}/${s.answered} correct (${formatPercent(s.accuracy)})`, ''];
  for (const c of s.categories) {
    lines.push(c.answered > 0 ? `${c.label}: ${c.correct}/${c.answered} (${formatPercent(c.accuracy)})` : `${c.label}: not tried yet`);
  }
  lines.push('', `Current streak: ${s.streak} (best ${s.bestStreak})`);
  const w = s.weakest;
  if (w) {
    const why = w.reason === 'never-tried' ? `${w.label} (not tried yet)` : `${w.label} (${w.correct}/${w.answered}, ${formatPercent(w.accuracy)})`;
    lines.push(`Weakest: ${why}. ${w.suggestion}.`);
  }
  return lines.join('\n');
}

/** One line per article answered, in the library's order; articles no longer served are named by id. */
export function renderArticleLines(tally: Tally, served: ReadonlyArray<{ id: string; title: string }>): string {
  const place = (id: string) => {
    const i = served.findIndex((a) => a.id === id);
    return i === -1 ? served.length : i;
  };
  const entries = Object.entries(tally.byArticle ?? {})
    .filter(([, a]) => a.answered > 0)
    .sort(([a], [b]) => place(a) - place(b) || (a < b ? -1 : 1));
  if (entries.length === 0) return '';
  const title = (id: string) => served.find((a) => a.id === id)?.title ?? `${id} (no longer served)`;
  const lines = entries.map(([id, a]) => `${title(id)}: ${a.correct}/${a.answered} (${formatPercent(ratio(a.correct, a.answered))})`);
  return ['By article:', ...lines].join('\n');
}
