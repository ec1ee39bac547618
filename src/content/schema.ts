import { z } from 'zod';

/** The six skills the question bank trains, as used in slash-command choices. */
export const CATEGORIES = [
  'source-chain',
  'attribution',
  'quote-integrity',
  'missing-context',
  'loaded-language',
  'verification',
] as const;
export const categorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof categorySchema>;

export const CATEGORY_LABELS: Record<Category, string> = {
  'source-chain': 'Source chain',
  attribution: 'Attribution',
  'quote-integrity': 'Quote integrity',
  'missing-context': 'Missing context',
  'loaded-language': 'Loaded language and framing',
  verification: 'Verification moves',
};

const id = z.string().max(64).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and dashes');
/** A question's id travels in practice buttons' custom ids, which Discord caps at 100 characters. */
const questionId = id.max(40, 'at most 40 characters (it travels in button ids)');
const paragraphNumber = z.number().int().min(1);
/** An article's id also travels in practice buttons' custom ids, so it is short. */
export const ARTICLE_ID_MAX = 24;
export const articleId = id.max(ARTICLE_ID_MAX, `at most ${ARTICLE_ID_MAX} characters (it travels in button ids)`);

export const paragraphSchema = z.object({ n: paragraphNumber, text: z.string().min(1) }).strict();

export const articleSchema = z
  .object({
    $schema: z.string().optional(),
    /**
     * The article's stable name in stored data, commands and buttons. Optional for
     * packs written before several articles were served: the pack's folder name
     * (made into a slug) stands in. Changing it orphans the article's stored data.
     */
    id: articleId.optional(),
    title: z.string().min(1).max(256),
    about: z.string().min(1),
    provenance: z
      .object({
        byline: z.string().nullable(),
        outlet: z.string().nullable(),
        date: z.string().nullable(),
        notes: z.array(z.string().min(1)),
      })
      .strict(),
    sections: z
      .array(
        z
          .object({
            heading: z.string().min(1).nullable(),
            paragraphs: z.array(paragraphSchema).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const sourceSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(['outlet', 'person', 'group', 'organisation', 'report']),
    named: z.boolean(),
    linked: z.boolean(),
    note: z.string().optional(),
  })
  .strict();

export const claimSchema = z
  .object({
    id,
    summary: z.string().min(1),
    quote: z.string().min(1),
    attribution: z.enum(['attributed', 'assertion']),
    /** From the article outward: the first hop is who the article cites, the last is the original speaker. Empty for the author's own assertions. */
    chain: z.array(sourceSchema),
  })
  .strict();

export const loadedTermSchema = z
  .object({ term: z.string().min(1), neutral: z.string().min(1), note: z.string().optional() })
  .strict();

export const attributionSchema = z
  .object({
    $schema: z.string().optional(),
    paragraphs: z.array(
      z
        .object({
          paragraph: paragraphNumber,
          /**
           * false until someone has read the paragraph and mapped its claims (content:new
           * writes false): content:check warns, so an empty map is not taken as "no claims".
           * Absent means reviewed (packs written before the field).
           */
          reviewed: z.boolean().optional(),
          claims: z.array(claimSchema),
          loadedTerms: z.array(loadedTermSchema),
        })
        .strict(),
    ),
  })
  .strict();

/**
 * An option's id is its identity: buttons, reveals and tallies refer to it, never
 * to its position, because options are shuffled at every presentation.
 */
const optionId = z.string().max(20).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and dashes');

export const optionSchema = z
  .object({
    /** Optional for packs written before options had ids: the loader then names them by position (o1, o2…). */
    id: optionId.optional(),
    text: z.string().min(1),
    correct: z.boolean(),
    /** What choosing this option overlooks, shown to whoever picks it; every wrong option should have one (content:check warns). */
    why: z.string().min(1).max(300).optional(),
  })
  .strict();

/** Whose claims or choices a question scrutinises: the bank should not audit one side only. */
export const EXAMINES = ['author', 'outlets', 'quoted'] as const;

export const questionSchema = z
  .object({
    id: questionId,
    category: categorySchema,
    difficulty: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    prompt: z.string().min(1),
    options: z.array(optionSchema).min(2).max(5),
    cites: z.array(paragraphNumber).min(1),
    /** Subheadings the question asks about (exact text); quotes may come from them too. */
    headings: z.array(z.string().min(1)).optional(),
    quotes: z.array(z.string().min(1)).min(1),
    explanation: z.string().min(1),
    /** Whose claim the question checks: the author's, the relayed outlets', or the quoted speakers'. */
    examines: z.enum(EXAMINES).optional(),
    /** True when the right answer credits something the text provides, or finds a sceptical option goes too far. */
    credits: z.boolean().optional(),
  })
  .strict();

export const questionsSchema = z
  .object({ $schema: z.string().optional(), questions: z.array(questionSchema) })
  .strict();

export const promptSchema = z
  .object({ id, text: z.string().min(1), cites: z.array(paragraphNumber) })
  .strict();

export const promptsSchema = z
  .object({ $schema: z.string().optional(), prompts: z.array(promptSchema) })
  .strict();

export type ArticleFile = z.infer<typeof articleSchema>;
export type Source = z.infer<typeof sourceSchema>;
export type Claim = z.infer<typeof claimSchema>;
export type LoadedTerm = z.infer<typeof loadedTermSchema>;
export type AttributionFile = z.infer<typeof attributionSchema>;
export type ParagraphAttribution = AttributionFile['paragraphs'][number];
/** An option as the bot uses it: always with an id (see normaliseOptions). */
export type Option = z.infer<typeof optionSchema> & { id: string };
export type Question = Omit<z.infer<typeof questionSchema>, 'options'> & { options: Option[] };
export type Prompt = z.infer<typeof promptSchema>;
