import { resolve } from 'node:path';
import { DEFAULT_CONTENT_DIR, readPack } from './loader.js';
import { formatValidityReport } from './report.js';
import { formatProblem, parsePack } from './validate.js';

// The same checks the bot runs at start, plus the bank's figures, printed whether or not they pass.
const dir = resolve(process.argv[2] ?? DEFAULT_CONTENT_DIR);
const { pack, problems, validity } = parsePack(await readPack(dir));
if (validity) console.log(formatValidityReport(validity.report, validity.coverage));
if (pack) {
  const paragraphs = pack.article.sections.reduce((n, s) => n + s.paragraphs.length, 0);
  console.log(`Content pack OK: ${dir} (${paragraphs} paragraphs, ${pack.questions.questions.length} questions, ${pack.prompts.prompts.length} prompts)`);
} else {
  console.error(problems.map(formatProblem).join('\n'));
  process.exitCode = 1;
}
