/**
 * SIGHUP to the running bot process (`systemctl reload`, `kill -HUP`) re-reads
 * the content packs like /article reload: an edited pack is served at once, a
 * broken edit keeps the served version and is logged with its report.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_DIR } from '../src/content/paths.js';
import { LocalDiscord } from '../tools/local-discord/index.js';
import { spawnBot, type ChildBot } from './support/child-bot.js';
import { embedOf } from './support/messages.js';
import { tempDir } from './support/temp.js';

const tmp = tempDir();
const packs = join(tmp.dir, 'packs');
let discord: LocalDiscord;
let child: ChildBot;

beforeAll(async () => {
  mkdirSync(packs);
  cpSync(DEFAULT_CONTENT_DIR, join(packs, 'passport'), { recursive: true });
  discord = await LocalDiscord.start();
  child = spawnBot({ env: { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, STORAGE_URL: `sqlite://${join(tmp.dir, 'bot.sqlite')}`, CONTENT_DIR: packs, LOG_LEVEL: 'info' } });
  await child.ready();
}, 30_000);
afterAll(async () => {
  await child.dispose();
  await discord.stop();
  tmp.cleanup();
});

const info = async () => embedOf(await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'article', subcommand: 'info' }).reply()).title;

describe('SIGHUP', { timeout: 30_000 }, () => {
  it('serves an edited pack without a restart, and keeps it when the next edit breaks it', async () => {
    const file = join(packs, 'passport', 'article.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"title": "Article under discussion: a proposed global health passport"', '"title": "Retitled while running"'));
    child.kill('SIGHUP');
    await child.waitForLog((l) => l['msg'] === 'content reloaded', 10_000, 'the reload');
    expect(await info()).toBe('Retitled while running');

    writeFileSync(file, '{ "title": ');
    const reloads = child.logs().filter((l) => l['msg'] === 'content reloaded').length;
    child.kill('SIGHUP');
    const report = await child.waitForLog((l) => l['msg'] === 'content pack not loaded', 10_000, 'the report of the broken pack');
    expect(String(report['report'])).toMatch(/^1 problem:\narticle\.json: not valid JSON/);
    await child.waitForLog((l) => l['msg'] === 'content reloaded' && child.logs().filter((x) => x['msg'] === 'content reloaded').length > reloads, 10_000, 'the second reload');
    expect(await info()).toBe('Retitled while running');
    expect(child.process.exitCode).toBeNull();
  });
});
