/**
 * Vitest global setup: builds dist/ once per test run when it is out of date, so
 * the tests that start the bot as a process (child-bot.ts) run the compiled code
 * users run, without each of them building it.
 */
import { build, staleReason } from '../../scripts/build.mjs';

export default function buildDist(): void {
  const reason = staleReason();
  if (!reason) return;
  process.stderr.write(`Building dist/ from src/ for the process tests (${reason}) …\n`);
  const result = build();
  if (!result.ok) throw new Error(`The build failed, so the bot cannot start as a process:\n${result.output}`);
}
