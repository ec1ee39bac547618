import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_DIR, loadContent, readPack } from '../src/content/loader.js';
import { CATEGORIES } from '../src/content/schema.js';
import type { Content } from '../src/content/types.js';
import { validatePack } from '../src/content/validate.js';
import { schemaFiles, SCHEMA_DIR } from '../src/content/write-schemas.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const seedPath = join(repoRoot, '..', 'shared', 'seed', 'article.txt');
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

let content: Content;
beforeAll(async () => {
  content = await loadContent(DEFAULT_CONTENT_DIR);
});

describe('the bundled content pack', () => {
  it('validates with no problems', async () => {
    expect(validatePack(await readPack(DEFAULT_CONTENT_DIR))).toEqual([]);
  });

  it('reproduces the seed article word for word, headings included', (ctx) => {
    ctx.skip(!existsSync(seedPath), `seed article not found at ${seedPath} (CI keeps shared/ beside the clone)`);
    const seen = new Set<string | null>();
    const blocks = content.paragraphs.flatMap((p) => {
      const heading = p.heading !== null && !seen.has(p.heading) ? [p.heading] : [];
      seen.add(p.heading);
      return [...heading, p.text];
    });
    expect(squash(blocks.join(' '))).toBe(squash(readFileSync(seedPath, 'utf8')));
  });

  it('numbers 15 paragraphs under a lead section and three subheadings', () => {
    expect(content.paragraphs.map((p) => p.n)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(new Set(content.paragraphs.map((p) => p.heading)).size).toBe(4);
    expect(content.paragraph(1)?.heading).toBeNull();
    expect(content.paragraph(4)?.heading).toBe('Vaccine passport system in China');
    expect(content.provenance).toMatchObject({ byline: null, outlet: null, date: null });
  });

  it('has at least 36 questions, 6 per category with a spread of difficulty, and 15 prompts', () => {
    expect(content.questions().length).toBeGreaterThanOrEqual(36);
    for (const category of CATEGORIES) {
      const questions = content.questions({ category });
      expect(questions.length, category).toBeGreaterThanOrEqual(6);
      expect(new Set(questions.map((q) => q.difficulty)).size, category).toBe(3);
    }
    expect(content.prompts.length).toBeGreaterThanOrEqual(15);
  });

  it('covers every paragraph in the attribution, each claim quoting its own paragraph', () => {
    for (const p of content.paragraphs) {
      const entry = content.attribution(p.n);
      expect(entry, `¶${p.n}`).toBeDefined();
      for (const claim of entry?.claims ?? []) expect(p.text).toContain(claim.quote);
    }
    expect(content.attribution(16)).toBeUndefined();
  });

  it('ships JSON Schemas that match the zod schemas', async () => {
    for (const [file, text] of Object.entries(schemaFiles())) {
      expect(await readFile(join(SCHEMA_DIR, file), 'utf8'), `${file}: run npm run content:schemas`).toBe(text);
    }
  });
});

describe('content lookups', () => {
  it('search ignores case, accents and curly quotes', () => {
    expect(content.search('BREITBART')?.n).toBe(2);
    expect(content.search('bréitbart glóbal')?.n).toBe(2);
    expect(content.search("world's population")?.n).toBe(1);
    expect(content.search('"dishonesty"')?.n).toBe(8);
    expect(content.search('ryan contended')?.n).toBe(14);
  });

  it('search returns the first paragraph holding every word, or nothing', () => {
    expect(content.search('CCP')?.n).toBe(1);
    expect(content.search('ryan')?.n).toBe(13);
    expect(content.search('ryan breitbart')).toBeUndefined();
    expect(content.search('   ')).toBeUndefined();
  });

  it('filters questions by category and difficulty', () => {
    const hard = content.questions({ category: 'verification', difficulty: 3 });
    expect(hard.length).toBeGreaterThan(0);
    expect(hard.every((q) => q.category === 'verification' && q.difficulty === 3)).toBe(true);
    expect(content.questions({ difficulty: 1 }).every((q) => q.difficulty === 1)).toBe(true);
    expect(content.questions({}).length).toBe(content.questions().length);
  });

  it('finds questions and prompts by id', () => {
    expect(content.question('chain-01')?.category).toBe('source-chain');
    expect(content.question('nope')).toBeUndefined();
    expect(content.prompt('discuss-01')?.text).toMatch(/Breitbart/);
    expect(content.prompt('nope')).toBeUndefined();
  });

  it('is read-only', () => {
    expect(Object.isFrozen(content)).toBe(true);
    expect(Object.isFrozen(content.paragraphs[0])).toBe(true);
    expect(Object.isFrozen(content.question('chain-01')?.options)).toBe(true);
    expect(() => (content.prompts as unknown[]).push({})).toThrow(TypeError);
  });
});
