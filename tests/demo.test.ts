/**
 * `npm run demo` prints what each person would see, as they would read it in
 * Discord: names instead of mention markup, times instead of timestamp markup,
 * emphasis without asterisks, and who can see each reply.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readable, relativeTime } from '../scripts/transcript.js';
import { LocalDiscord } from '../tools/local-discord/index.js';
import { ROOT } from './support/child-bot.js';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

describe('npm run demo', () => {
  it('prints a transcript with no raw mention, timestamp or bold markup, marking private replies', { timeout: 60_000 }, () => {
    const run = spawnSync(process.execPath, ['--import', TSX_LOADER, 'scripts/demo.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
      timeout: 55_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/\nDemo finished\.\n$/);
    for (const raw of ['<@', '<#', '<t:', '**', '```']) expect(out, raw).not.toContain(raw);
    // Piped, not a terminal: no colour codes either.
    expect(out).not.toContain('\x1b[');

    // Private replies say who alone sees them; public posts say where they are.
    expect(out).toContain('━━ alice: /help ━');
    expect(out).toMatch(/━━ alice: \/help ━+\n\[only alice sees this\] bot → alice:\n/);
    expect(out).toMatch(/━━ alice: \/excerpt paragraph:11 ━+\n\[#general\] bot:\n/);
    expect(out).toMatch(/\[only bob sees this\] bot → bob:\n {4}You have already answered this question\./);
    // The round summary names the players.
    expect(out).toMatch(/■ Round over: scores\n {4}│ 1\. @(alice|bob) — \d\/2 correct\n {4}│ 2\. @(alice|bob) — \d\/2 correct\n/);
    // Times as a reader sees them, and the options' letters without their asterisks.
    expect(out).toContain('Closes in 20 seconds. Your first click is final.');
    expect(out).toMatch(/\n {4}│ A\. \S/);
    expect(out).toMatch(/Scheduled [a-z2-9]{4} in #prompts: first post \w+day, \d{1,2} \w+ \d{4} at \d{2}:\d{2} \(in \d seconds?\)/);
  });
});

describe('reading Discord markup', () => {
  let discord: LocalDiscord;
  beforeAll(async () => {
    discord = await LocalDiscord.start();
  });
  afterAll(() => discord.stop());

  it('turns mentions into names, timestamps into times and emphasis into plain text', () => {
    const now = Date.UTC(2026, 0, 2, 12, 0, 0);
    const role = discord.addUser({ username: 'carol', permissions: ['ManageMessages'] });
    const roleId = discord.state.guilds.get(discord.guild.id)!.members.get(role.id)!.roles.at(-1)!;
    const roleName = discord.state.guilds.get(discord.guild.id)!.roles.get(roleId)!.name;
    const text = [
      `<@${discord.member.id}> and <@!${discord.member2.id}> in <#${discord.channels.quiz.id}>, <@&${roleId}>`,
      `**A.** one *two* \\*three\\* ~~four~~ ||five|| </quiz start:123456789012345678>`,
      `<t:${now / 1000 + 90}:R> <t:${now / 1000 - 7200}:R> <t:${now / 1000}:d>`,
    ].join('\n');
    expect(readable(discord, text, { now }).split('\n')).toEqual([
      `@alice and @bob in #quiz, @${roleName}`,
      'A. one two *three* four five /quiz start',
      `in 2 minutes 2 hours ago ${new Intl.DateTimeFormat('en-GB', { dateStyle: 'short' }).format(new Date(now))}`,
    ]);
    expect(readable(discord, '**A.** x', { now, color: true })).toBe('\x1b[1mA.\x1b[22m x');
  });

  it('words relative times as Discord does', () => {
    const now = 1_000_000_000_000;
    expect([0, 1, 20, 60, 3600 * 5, -86_400 * 3, 86_400 * 400].map((s) => relativeTime(now + s * 1000, now))).toEqual([
      'now',
      'in 1 second',
      'in 20 seconds',
      'in 1 minute',
      'in 5 hours',
      '3 days ago',
      'in 1 year',
    ]);
  });
});
