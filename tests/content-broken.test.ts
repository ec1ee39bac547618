import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ContentError, DEFAULT_CONTENT_DIR, loadContent, readPack } from '../src/content/loader.js';
import type { ArticleFile, AttributionFile, Prompt, Question } from '../src/content/schema.js';
import { formatProblem, PACK_FILES, validatePack } from '../src/content/validate.js';

interface Files {
  article: ArticleFile;
  attribution: AttributionFile;
  questions: { questions: Question[] };
  prompts: { prompts: Prompt[] };
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Copies the bundled pack to a temp dir with one thing changed. */
async function brokenPack(mutate: (files: Files) => void): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'content-pack-'));
  dirs.push(dir);
  const read = async (file: string) => JSON.parse(await readFile(join(DEFAULT_CONTENT_DIR, file), 'utf8'));
  const [article, attribution, questions, prompts] = await Promise.all(PACK_FILES.map(read));
  const files = { article, attribution, questions, prompts } as Files;
  mutate(files);
  const byFile = { 'article.json': article, 'attribution.json': attribution, 'questions.json': questions, 'prompts.json': prompts };
  await Promise.all(PACK_FILES.map((file) => writeFile(join(dir, file), JSON.stringify(byFile[file], null, 2))));
  return dir;
}

async function problemsIn(dir: string): Promise<string[]> {
  return validatePack(await readPack(dir)).map(formatProblem);
}

async function expectOnly(mutate: (files: Files) => void, ...expected: (string | RegExp)[]): Promise<void> {
  const problems = await problemsIn(await brokenPack(mutate));
  expect(problems).toHaveLength(expected.length);
  expected.forEach((e, i) => (typeof e === 'string' ? expect(problems[i]).toBe(e) : expect(problems[i]).toMatch(e)));
}

const question = (f: Files, i: number): Question => f.questions.questions[i]!;

describe('a broken content pack is rejected with a specific message', () => {
  it('reports a missing article.json plainly', async () => {
    const dir = await brokenPack(() => {});
    await unlink(join(dir, 'article.json'));
    expect(await problemsIn(dir)).toEqual([expect.stringMatching(/^article\.json: cannot read: ENOENT/)]);
  });

  it('reports an article.json cut short, at the line and column where it ends', async () => {
    const dir = await brokenPack(() => {});
    await writeFile(join(dir, 'article.json'), '{\n  "title": ');
    expect(await problemsIn(dir)).toEqual(['article.json: not valid JSON at line 2, column 12: Unexpected end of JSON input']);
  });

  it('reports a missing comma at its line and column, from the offset the parser gives', async () => {
    const dir = await brokenPack(() => {});
    const text = await readFile(join(dir, 'questions.json'), 'utf8');
    // Drop the comma after the first question's id; the parser stops at the next property, one line down.
    const lines = text.split('\n');
    const at = lines.indexOf('      "id": "chain-01",');
    lines[at] = lines[at]!.slice(0, -1);
    await writeFile(join(dir, 'questions.json'), lines.join('\n'));
    expect(lines[at + 1]).toMatch(/^ {6}"category"/);
    expect(await problemsIn(dir)).toEqual([`questions.json: not valid JSON at line ${at + 2}, column 7: Expected ',' or '}' after property value`]);
  });

  it('reports a trailing comma at its line and column, though Node 20 quotes the text instead of an offset', async () => {
    const dir = await brokenPack(() => {});
    const text = await readFile(join(dir, 'prompts.json'), 'utf8');
    const lines = text.split('\n');
    // A comma after the last citation of the first prompt, before the `]` that closes its list.
    const close = lines.findIndex((l) => l.trim() === ']');
    lines[close - 1] += ',';
    await writeFile(join(dir, 'prompts.json'), lines.join('\n'));
    expect(await problemsIn(dir)).toEqual([`prompts.json: not valid JSON at line ${close + 1}, column ${lines[close]!.indexOf(']') + 1}: Unexpected token ']'`]);
  });

  it('reads a file saved with a byte-order mark, as some Windows editors save UTF-8', async () => {
    const dir = await brokenPack(() => {});
    const text = await readFile(join(dir, 'article.json'), 'utf8');
    await writeFile(join(dir, 'article.json'), `\uFEFF${text}`);
    expect(await problemsIn(dir)).toEqual([]);
  });

  it('reports a shape error at its path', async () => {
    await expectOnly(
      (f) => Object.assign(question(f, 3), { difficulty: 4 }),
      /^questions\.json: questions\[3\] \(chain-04\)\.difficulty: /,
    );
  });

  it('reports an unknown category', async () => {
    await expectOnly(
      (f) => Object.assign(question(f, 0), { category: 'vibes' }),
      /^questions\.json: questions\[0\] \(chain-01\)\.category: Invalid option: expected one of "source-chain"/,
    );
  });

  it('reports a question quote that is not in any cited paragraph', async () => {
    await expectOnly((f) => {
      question(f, 0).cites = [2];
      question(f, 0).quotes = [f.article.sections[0]!.paragraphs[2]!.text]; // ¶3's text, but the question cites only ¶2
      question(f, 1).cites = [2, 3];
      question(f, 1).quotes = ['Breitbart said so.']; // in neither ¶2 nor ¶3
    }, 'questions.json: questions[0] (chain-01).quotes[0]: not found in ¶2', 'questions.json: questions[1] (chain-02).quotes[0]: not found in ¶2 or ¶3');
  });

  it('reports a claim quote that is not in its paragraph', async () => {
    await expectOnly(
      (f) => (f.attribution.paragraphs[0]!.claims[0]!.quote = 'offered to manage'),
      'attribution.json: paragraphs[0] (¶1).claims[0] (p1-offer).quote: not found in ¶1',
    );
  });

  it('reports citations of paragraphs that do not exist', async () => {
    await expectOnly(
      (f) => {
        question(f, 0).cites = [2, 16];
        f.prompts.prompts[0]!.cites = [99];
      },
      'questions.json: questions[0] (chain-01).cites[1]: no ¶16 in the article (it has ¶1–15)',
      'prompts.json: prompts[0] (discuss-01).cites[0]: no ¶99 in the article (it has ¶1–15)',
    );
  });

  it('reports paragraph numbers that skip or go out of reading order', async () => {
    await expectOnly(
      (f) => (f.article.sections[3]!.paragraphs[2]!.n = 16),
      'article.json: sections[3].paragraphs[2] (¶16).n: expected ¶15 here, found ¶16 (paragraphs are numbered 1..N in reading order)',
    );
  });

  it('reports a subheading missing after the first section, and each question that asks about it', async () => {
    let asking: string[] = [];
    const dir = await brokenPack((f) => {
      const heading = f.article.sections[2]!.heading!;
      f.article.sections[2]!.heading = null;
      asking = f.questions.questions.flatMap((q, i) => (q.headings ?? []).map((h, j) => (h === heading ? `questions.json: questions[${i}] (${q.id}).headings[${j}]: no subheading “${heading}” in the article` : '')).filter(Boolean));
    });
    expect(asking.length).toBeGreaterThan(0);
    const problems = await problemsIn(dir);
    expect(problems[0]).toBe('article.json: sections[2].heading: only the first section may have no heading');
    expect(problems).toEqual(expect.arrayContaining(asking));
  });

  it('reports a paragraph given two attribution entries', async () => {
    await expectOnly(
      (f) => f.attribution.paragraphs.push({ paragraph: 5, claims: [], loadedTerms: [] }),
      'attribution.json: paragraphs[15] (¶5).paragraph: ¶5 appears more than once',
    );
  });

  it('reports a paragraph with no attribution entry', async () => {
    await expectOnly(
      (f) => (f.attribution.paragraphs = f.attribution.paragraphs.filter((p) => p.paragraph !== 7)),
      'attribution.json: paragraphs: no entry for ¶7',
    );
  });

  it('reports an attribution entry for an unknown paragraph', async () => {
    await expectOnly(
      (f) => f.attribution.paragraphs.push({ paragraph: 16, claims: [], loadedTerms: [] }),
      'attribution.json: paragraphs[15] (¶16).paragraph: no ¶16 in the article (it has ¶1–15)',
    );
  });

  it('reports duplicate question, prompt and claim ids', async () => {
    await expectOnly(
      (f) => {
        question(f, 1).id = 'chain-01';
        f.prompts.prompts[2]!.id = 'discuss-01';
        f.attribution.paragraphs[1]!.claims[0]!.id = 'p1-offer';
      },
      'attribution.json: paragraphs[1] (¶2).claims[0] (p1-offer).id: duplicate id "p1-offer" (first at paragraphs[0] (¶1).claims[0])',
      'questions.json: questions[1] (chain-01).id: duplicate id "chain-01" (first at questions[0])',
      'prompts.json: prompts[2] (discuss-01).id: duplicate id "discuss-01" (first at prompts[0])',
    );
  });

  it('reports a question without exactly one correct option', async () => {
    await expectOnly(
      (f) => {
        for (const o of question(f, 0).options) Object.assign(o, { correct: false, why: o.why ?? 'Feedback.' });
        for (const o of question(f, 1).options) o.correct = true;
      },
      'questions.json: questions[0] (chain-01).options: 0 options are marked correct; exactly one must be',
      'questions.json: questions[1] (chain-02).options: 4 options are marked correct; exactly one must be',
    );
  });

  it('reports two options with the same text, ignoring case and spacing', async () => {
    await expectOnly(
      (f) => (question(f, 0).options[2]!.text = ` ${question(f, 0).options[0]!.text.toUpperCase()}`),
      'questions.json: questions[0] (chain-01).options[2] (p11-expert).text: same text as options[0] (p2-breitbart)',
    );
  });

  it('reports a question id too long to travel in a button, while a prompt may have a longer one', async () => {
    const long = 'x'.repeat(41);
    const problems = await problemsIn(await brokenPack((f) => {
      question(f, 0).id = long;
      f.prompts.prompts[0]!.id = 'p'.repeat(60);
    }));
    expect(problems).toEqual([expect.stringMatching(/^questions\.json: questions\[0\].*\.id: at most 40 characters \(it travels in button ids\)$/)]);
  });

  it('reports an option too long for a button label once the bot adds "A. "', async () => {
    await expectOnly(
      (f) => {
        question(f, 0).options[1]!.text = 'x'.repeat(76); // fits exactly
        question(f, 1).options[1]!.text = 'y'.repeat(77);
      },
      'questions.json: questions[1] (chain-02).options[1] (bt-gt-experts).text: 77 characters; a button label allows 76 after the bot\'s "A. " prefix',
    );
  });

  it('reports a question too long for an embed description', async () => {
    await expectOnly(
      (f) => (question(f, 0).prompt = 'Why? '.repeat(820)),
      /^questions\.json: questions\[0\] \(chain-01\)\.prompt: prompt and options render to \d+ characters; an embed description allows 4096$/,
    );
  });

  it('reports an explanation and quotes too long for an embed field', async () => {
    await expectOnly(
      (f) => (question(f, 0).explanation = 'Because. '.repeat(120)),
      /^questions\.json: questions\[0\] \(chain-01\)\.explanation: explanation and quotes render to \d+ characters; an embed field allows 1024$/,
    );
  });

  it('reports a discussion prompt too long for a message', async () => {
    await expectOnly(
      (f) => (f.prompts.prompts[0]!.text = 'Discuss. '.repeat(230)),
      'prompts.json: prompts[0] (discuss-01).text: 2070 characters; a message allows 2000',
    );
  });

  it('reports a paragraph too long for an embed description', async () => {
    await expectOnly(
      (f) => (f.article.sections[0]!.paragraphs[0]!.text += ' and so on'.repeat(400)),
      /^article\.json: sections\[0\]\.paragraphs\[0\] \(¶1\)\.text: \d+ characters; an embed description allows 4096$/,
    );
  });

  it('makes loadContent throw a ContentError whose message lists every problem', async () => {
    const dir = await brokenPack((f) => {
      question(f, 0).id = 'Bad Id';
      f.attribution.paragraphs.pop();
    });
    const error = await loadContent(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentError);
    const { problems, message } = error as ContentError;
    expect(problems).toHaveLength(2);
    expect(message.split('\n')).toEqual([
      'questions.json: questions[0] (Bad Id).id: use lower-case letters, digits and dashes',
      'attribution.json: paragraphs: no entry for ¶15',
    ]);
  });
});

describe('the content:check CLI', () => {
  const check = (dir: string) =>
    spawnSync('npx', ['tsx', 'src/content/check.ts', dir], { cwd: repoRoot, encoding: 'utf8' });

  it('exits 1 and prints the problems for a broken pack', async () => {
    const dir = await brokenPack((f) => Object.assign(question(f, 0), { cites: [2], quotes: ['Nobody said this.'] }));
    await writeFile(join(dir, 'prompts.json'), '{\n  "prompts": [\n    { "id": "p1", }\n  ]\n}\n');
    const run = check(dir);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'prompts.json: not valid JSON at line 3, column 19: Expected double-quoted property name',
      'questions.json: questions[0] (chain-01).quotes[0]: not found in ¶2',
    ]);
  });

  it('exits 0 with a summary for the bundled pack', () => {
    const run = check(DEFAULT_CONTENT_DIR);
    expect(run.status).toBe(0);
    // The bank's figures first, passing or not, then the verdict.
    expect(run.stdout).toMatch(/^Question bank: \d+ questions\n/);
    expect(run.stdout).toMatch(/\n  Bank rules: passed\nContent pack OK: .+ \(15 paragraphs, \d+ questions, \d+ prompts\)\n$/);
  });
});
