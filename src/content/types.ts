import type { ArticleFile, Category, ParagraphAttribution, Prompt, Question } from './schema.js';

export interface Paragraph {
  readonly n: number;
  readonly text: string;
  /** The subheading the paragraph falls under, or null before the first one. */
  readonly heading: string | null;
}

export interface QuestionFilter {
  category?: Category | undefined;
  difficulty?: 1 | 2 | 3 | undefined;
}

/** The validated, read-only content pack the rest of the bot uses. */
export interface Content {
  /** The article's stable id (a slug): what stored data, commands and buttons name it by. */
  readonly id: string;
  /** A digest of the pack's files: equal versions are the same text, so a reload can tell what changed. */
  readonly version: string;
  readonly dir: string;
  readonly title: string;
  readonly about: string;
  readonly provenance: ArticleFile['provenance'];
  readonly paragraphs: readonly Paragraph[];
  paragraph(n: number): Paragraph | undefined;
  /** First paragraph containing every word, ignoring case and accents. */
  search(words: string): Paragraph | undefined;
  attribution(n: number): ParagraphAttribution | undefined;
  questions(filter?: QuestionFilter): readonly Question[];
  question(id: string): Question | undefined;
  readonly prompts: readonly Prompt[];
  prompt(id: string): Prompt | undefined;
}
