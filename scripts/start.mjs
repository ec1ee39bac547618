/**
 * `npm start` and `npm run deploy`: run the compiled code in dist/, building it
 * first when it is missing or older than src/, so `npm ci && npm start` stays the
 * whole set-up. The entry is imported into this process rather than spawned:
 * signals reach the bot itself and no second node process stays around.
 *
 *   node scripts/start.mjs           dist/index.js, the bot
 *   node scripts/start.mjs deploy    dist/deploy.js, register the commands
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, ROOT, staleReason } from './build.mjs';

/** @type {Record<string, string>} */
const ENTRIES = { bot: 'index.js', deploy: 'deploy.js' };

const name = process.argv[2] ?? 'bot';
const entry = ENTRIES[name];
if (!entry) {
  process.stderr.write(`Unknown entry "${name}"; use one of: ${Object.keys(ENTRIES).join(', ')}.\n`);
  process.exit(2);
}

const reason = staleReason(ROOT);
if (reason) {
  process.stderr.write(`Building dist/ from src/ (${reason}) …\n`);
  const result = build(ROOT);
  if (!result.ok) {
    process.stderr.write(`${result.output}\n\nThe build failed, so nothing was started.\n`);
    process.exit(1);
  }
}

await import(pathToFileURL(join(ROOT, 'dist', entry)).href);
