import { resolve } from 'node:path';
import { LibraryError, packDirs } from './library.js';
import { DEFAULT_CONTENT_DIR, readPack } from './loader.js';
import { formatValidityReport } from './report.js';
import { formatProblem, parsePack } from './validate.js';

/**
 * `npm run content:check [dir]`: the same checks the bot runs at start, plus the
 * bank's figures, printed whether or not they pass. `dir` is one pack or a
 * folder of packs (each is checked in turn); the exit code is 1 if any pack has
 * problems, as the bot would not serve it.
 */
async function main(dir: string): Promise<number> {
  const dirs = await packDirs(dir);
  if (dirs.length === 0) {
    console.error(`No content pack in ${dir}: it holds no article.json, and no sub-folder does.`);
    return 1;
  }
  let failed = 0;
  for (const packDir of dirs) {
    if (dirs.length > 1) console.log(`\n== ${packDir}`);
    const { pack, problems, validity, warnings } = parsePack(await readPack(packDir));
    if (validity) console.log(formatValidityReport(validity.report, validity.coverage));
    for (const warning of warnings) console.log(`warning: ${warning}`);
    if (pack) {
      const paragraphs = pack.article.sections.reduce((n, s) => n + s.paragraphs.length, 0);
      console.log(`Content pack OK: ${packDir} (${paragraphs} paragraphs, ${pack.questions.questions.length} questions, ${pack.prompts.prompts.length} prompts)`);
    } else {
      failed++;
      console.error(`${dirs.length > 1 ? `${packDir}:\n` : ''}${problems.map(formatProblem).join('\n')}`);
    }
  }
  if (dirs.length > 1) console.log(`\n${dirs.length - failed} of ${dirs.length} packs OK.`);
  return failed > 0 ? 1 : 0;
}

try {
  process.exitCode = await main(resolve(process.argv[2] ?? DEFAULT_CONTENT_DIR));
} catch (error) {
  if (!(error instanceof LibraryError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
