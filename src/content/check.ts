import { resolve } from 'node:path';
import { ContentError, DEFAULT_CONTENT_DIR, loadContent } from './loader.js';

const dir = resolve(process.argv[2] ?? DEFAULT_CONTENT_DIR);
try {
  const content = await loadContent(dir);
  console.log(
    `Content pack OK: ${dir} (${content.paragraphs.length} paragraphs, ${content.questions().length} questions, ${content.prompts.length} prompts)`,
  );
} catch (err) {
  if (!(err instanceof ContentError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
