/**
 * `npm run demo`: the bot and a local Discord on loopback, a scripted session,
 * and a transcript of what each person would see. No token, no network.
 * CONTENT_DIR=path/to/pack previews another content pack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot } from '../src/bot.js';
import { loadConfig } from '../src/config.js';
import { ContentError } from '../src/content/loader.js';
import { createLogger } from '../src/logger.js';
import { ManualClock } from '../tools/manual-clock.js';
import { LocalDiscord, type InteractionHandle, type MessageRecord } from '../tools/local-discord/index.js';
import { renderMessage } from './transcript.js';

const say = (text = '') => process.stdout.write(`${text}\n`);
const step = (text: string) => say(`\n━━ ${text} ${'━'.repeat(Math.max(0, 70 - text.length))}`);

async function main(): Promise<number> {
  const discord = await LocalDiscord.start();
  const dir = mkdtempSync(join(tmpdir(), 'sourcing-bot-demo-'));
  const tmp = { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  const clock = new ManualClock(Date.now());
  const config = loadConfig({
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    STORAGE_URL: `sqlite://${join(tmp.dir, 'demo.sqlite')}`,
    CONTENT_DIR: process.env['CONTENT_DIR'],
    EXCERPT_COOLDOWN_SECONDS: '0',
  });
  const log = createLogger({ level: 'error', destination: process.stderr });
  let bot;
  try {
    bot = await startBot({ config, log, clock });
  } catch (error) {
    await discord.stop();
    tmp.cleanup();
    if (error instanceof ContentError) {
      process.stderr.write(`The content pack cannot be served:\n${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const { general, quiz, prompts } = discord.channels;
  const { member: alice, member2: bob, moderator: mod } = discord;
  // Bold stays bold on a terminal; piped to a file, the transcript is plain text.
  const color = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
  const render = (m: MessageRecord) => renderMessage(discord, m, { now: clock.now(), color });
  const show = async (handle: InteractionHandle) => say(render(await handle.reply()));
  const showPost = (m: MessageRecord) => say(render(m));
  const buttons = (m: MessageRecord) =>
    (m.components as Array<{ components: Array<{ custom_id: string; label: string }> }>).flatMap((r) => r.components);

  say(`Local Discord on ${discord.apiUrl}; the bot logged in as ${bot.client.user.tag}.`);
  const article = bot.services.shelf.current.first;
  say(`Article: ${article.title} (${article.paragraphs.length} paragraphs).`);

  step('alice: /help');
  await show(discord.runCommand({ user: alice, channelId: general.id, name: 'help' }));

  step('alice: /excerpt paragraph:11');
  const excerpt = await discord.runCommand({ user: alice, channelId: general.id, name: 'excerpt', options: { paragraph: 11 } }).reply();
  showPost(excerpt);
  step('bob clicks “◀ ¶10” under it');
  const back = buttons(excerpt).find((b) => b.label.startsWith('◀'))!;
  await show(discord.clickButton({ user: bob, messageId: excerpt.id, customId: back.custom_id }));

  step('alice: /sources');
  await show(discord.runCommand({ user: alice, channelId: general.id, name: 'sources' }));

  step('mod: /quiz start questions:2 seconds:20 in #quiz');
  await show(discord.runCommand({ user: mod, channelId: quiz.id, name: 'quiz', subcommand: 'start', options: { questions: 2, seconds: 20 } }));
  for (let q = 0; q < 2; q++) {
    const question = await discord.waitForMessage(quiz.id, (m) => m.components.length > 0 && buttons(m).every((b) => b.custom_id.includes(`:${q}:`)));
    showPost(question);
    const letters = buttons(question);
    // Options are shuffled per message: find the right one by the option id its button names.
    const shown = article.questions().find((x) => question.embeds.some((e) => String((e as { description?: string }).description).startsWith(x.prompt)));
    const rightId = shown?.options.find((o) => o.correct)?.id;
    const correct = letters.findIndex((b) => b.custom_id.split(':')[4] === rightId);
    const aliceChoice = letters[Math.max(0, correct)]!;
    const bobChoice = letters[(Math.max(0, correct) + 1) % letters.length]!;
    say(`alice clicks ${aliceChoice.label}, bob clicks ${bobChoice.label}:`);
    await show(discord.clickButton({ user: alice, messageId: question.id, customId: aliceChoice.custom_id }));
    await show(discord.clickButton({ user: bob, messageId: question.id, customId: bobChoice.custom_id }));
    say('bob clicks again:');
    await show(discord.clickButton({ user: bob, messageId: question.id, customId: aliceChoice.custom_id }));
    say('… 20 seconds later:');
    await clock.advance(20_000);
    showPost(await discord.waitFor(() => { const m = discord.message(question.id); return m && m.edits > 0 ? m : undefined; }, 5000, 'the reveal'));
  }
  showPost(await discord.waitForMessage(quiz.id, (m) => m.embeds.some((e) => String((e as { title?: string }).title).startsWith('Round over'))));

  step('alice: /quiz score');
  await show(discord.runCommand({ user: alice, channelId: quiz.id, name: 'quiz', subcommand: 'score' }));
  step('bob: /quiz leaderboard');
  await show(discord.runCommand({ user: bob, channelId: quiz.id, name: 'quiz', subcommand: 'leaderboard' }));

  const at = new Date(clock.now() + 5_000).toISOString().slice(0, 19) + 'Z';
  step(`mod: /prompt schedule channel:#prompts when:${at}`);
  await show(discord.runCommand({ user: mod, channelId: general.id, name: 'prompt', subcommand: 'schedule', options: { channel: { id: prompts.id }, when: at } }));
  say('… 5 seconds later, in #prompts:');
  await clock.advance(6_000);
  showPost(await discord.waitForMessage(prompts.id, (m) => Boolean(m.thread_id)));

  await bot.stop();
  await discord.stop();
  tmp.cleanup();
  say('\nDemo finished.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Demo failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
