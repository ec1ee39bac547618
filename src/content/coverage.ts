import { CATEGORIES, EXAMINES, type Category, type Question } from './schema.js';

/** What the bank asks about: skills and difficulties, paragraphs and headings, and whose claims it checks. */
export interface Coverage {
  bySkill: Record<Category, [number, number, number]>;
  /** Questions citing each paragraph, by paragraph number. */
  byParagraph: Map<number, number>;
  /** Questions asking about each subheading. */
  byHeading: Map<string, number>;
  examines: Record<(typeof EXAMINES)[number] | 'unmarked', number>;
  /** Questions whose right answer credits what the text provides. */
  credits: number;
}

export function bankCoverage(questions: readonly Question[], paragraphs: readonly number[], headings: readonly string[]): Coverage {
  const bySkill = Object.fromEntries(CATEGORIES.map((c) => [c, [0, 0, 0]])) as Coverage['bySkill'];
  const byParagraph = new Map(paragraphs.map((n) => [n, 0]));
  const byHeading = new Map(headings.map((h) => [h, 0]));
  const examines: Coverage['examines'] = { author: 0, outlets: 0, quoted: 0, unmarked: 0 };
  let credits = 0;
  for (const q of questions) {
    const row = bySkill[q.category];
    row[(q.difficulty - 1) as 0 | 1 | 2] += 1;
    for (const n of new Set(q.cites)) if (byParagraph.has(n)) byParagraph.set(n, byParagraph.get(n)! + 1);
    for (const h of new Set(q.headings ?? [])) if (byHeading.has(h)) byHeading.set(h, byHeading.get(h)! + 1);
    examines[q.examines ?? 'unmarked'] += 1;
    if (q.credits) credits += 1;
  }
  return { bySkill, byParagraph, byHeading, examines, credits };
}
