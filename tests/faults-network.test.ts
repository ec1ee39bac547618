/**
 * Faults between the bot and Discord: a dropped gateway socket in the middle of a
 * quiz round, and REST 429/500 answers on interaction callbacks and channel posts.
 * The real bot runs against the local Discord stand-in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listTallies } from '../src/quiz/tallies.js';
import { ManualClock } from '../tools/manual-clock.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { buttonsOf } from './support/messages.js';
import type { InteractionHandle, MessageRecord, UserRecord } from '../tools/local-discord/index.js';

const CALLBACK = 'POST /interactions/:id/:token/callback';
const CHANNEL_POST = 'POST /channels/:id/messages';

const isQuizQuestion = (m: MessageRecord) => buttonsOf(m).some((b) => b.custom_id.startsWith('quiz:a:'));

let t: TestBot | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('gateway socket dropped during a quiz round', () => {
  it('resumes, finishes the round, and tallies every click before, during and after the drop exactly once', async () => {
    const clock = new ManualClock(Date.UTC(2025, 2, 1, 12));
    t = await startTestBot({ clock });
    const { discord } = t;
    const channelId = discord.channels.quiz.id;
    const identifiesBefore = discord.identifies;

    const start = discord.runCommand({ user: discord.moderator, channelId, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 30 } });
    expect((await start.response()).type).toBe(4);
    const question = await discord.waitForMessage(channelId, isQuizQuestion);
    const options = buttonsOf(question);

    const users: UserRecord[] = Array.from({ length: 18 }, (_, i) => discord.addUser({ username: `reader${i}` }));
    const click = (user: UserRecord, i: number): InteractionHandle =>
      discord.clickButton({ user, messageId: question.id, customId: options[i % options.length]!.custom_id });

    // Before the drop: answered while connected.
    const before = users.slice(0, 6).map(click);
    for (const h of before) expect((await h.response()).data?.content).toMatch(/^Locked in: [A-E]$/);

    // During the drop: dispatched while no socket is connected; Discord keeps them for RESUME.
    expect(discord.dropSocket()).toBeGreaterThan(0);
    const during = users.slice(6, 12).map((u, i) => click(u, i + 6));
    expect(during.every((h) => !h.record.delivered)).toBe(true);

    await discord.waitFor(() => discord.resumes >= 1 && discord.connected, 5000, 'the bot to RESUME');
    // After the resume.
    const after = users.slice(12).map((u, i) => click(u, i + 12));

    for (const h of [...before, ...during, ...after]) {
      const response = await h.response();
      expect(response.type).toBe(4);
      expect(response.data?.flags).toBe(64);
      expect(response.data?.content).toMatch(/^Locked in: [A-E]$/);
    }
    // It resumed the same session rather than identifying again (which would have lost the buffered clicks).
    expect(discord.identifies).toBe(identifiesBefore);

    // A second click by someone who already answered is refused and changes nothing.
    const again = await click(users[0]!, 1).response();
    expect(again.data?.content).toMatch(/already answered/);

    await clock.advance(30_000);
    const revealed = await discord.waitFor(() => {
      const m = discord.message(question.id);
      return m && m.edits > 0 ? m : undefined;
    }, 5000, 'the reveal');
    expect(String((revealed.embeds[0] as { footer?: { text?: string } }).footer?.text)).toBe('18 answers');
    await discord.waitForMessage(channelId, (m) => m.embeds.some((e) => String((e as { title?: string }).title).startsWith('Round over')));

    const tallies = await listTallies(t.bot.services, discord.guild.id);
    expect(tallies.map((x) => x.userId).sort()).toEqual(users.map((u) => u.id).sort());
    for (const tally of tallies) expect(tally.answered, tally.userName).toBe(1);
    expect(t.logs().filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(discord.serverErrors).toEqual([]);
  });
});

// @discordjs/rest retries these by itself; what is ours is that the user sees one answer, the round goes on,
// and nothing is apologised for or logged as a failure.
describe('Discord briefly refusing the bot with 429 or 500', () => {
  const statuses = (route: string, pathPart: string) => t!.discord.calls.filter((c) => c.route === route && c.path.includes(pathPart)).map((c) => c.status);
  /** Calls are recorded just after the stand-in applied them, so wait for the record of the last one. */
  const settled = (route: string, pathPart: string, count: number) =>
    t!.discord.waitFor(() => (statuses(route, pathPart).length >= count ? statuses(route, pathPart) : undefined), 5000, `${count} calls to ${route}`);

  it('a /help whose reply is first refused still gets exactly one private reply, with no apology and nothing logged as failed', async () => {
    t = await startTestBot();
    const { discord } = t;
    const channelId = discord.channels.general.id;

    for (const fault of [{ status: 429, retryAfter: 0.2 }, { status: 500 }]) {
      discord.failNext(CALLBACK, fault);
      const run = discord.runCommand({ user: discord.member, channelId, name: 'help' });
      const response = await run.response();
      expect(response.type).toBe(4);
      expect(response.data?.flags).toBe(64);
      expect(JSON.stringify(response.data)).toContain('/quiz start');
      // The refusal was served to this reply (else the test proves nothing), then one reply went through; no follow-up.
      expect(await settled(CALLBACK, run.id, 2)).toEqual([fault.status, 204]);
      expect(run.followUps()).toEqual([]);
    }
    expect(t.logs().filter((l) => l.msg === 'interaction failed')).toEqual([]);
  });

  it('a quiz round whose posts are first refused shows its question once, takes answers and ends with one summary', async () => {
    const clock = new ManualClock(Date.UTC(2025, 2, 1, 12));
    t = await startTestBot({ clock });
    const { discord } = t;
    const channelId = discord.channels.quiz.id;
    const isSummary = (m: MessageRecord) => m.embeds.some((e) => String((e as { title?: string }).title).startsWith('Round over'));

    discord.failNext(CHANNEL_POST, { status: 429, retryAfter: 0.2 });
    discord.failNext(CHANNEL_POST, { status: 500 });
    const start = discord.runCommand({ user: discord.member, channelId, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 10 } });
    expect((await start.response()).type).toBe(4);
    const question = await discord.waitForMessage(channelId, isQuizQuestion);
    expect(discord.messages(channelId).filter(isQuizQuestion)).toHaveLength(1);

    const click = discord.clickButton({ user: discord.member2, messageId: question.id, customId: buttonsOf(question)[0]!.custom_id });
    expect((await click.response()).data?.content).toBe('Locked in: A');
    discord.failNext(CHANNEL_POST, { status: 500, count: 2 });
    await clock.advance(10_000);
    const summary = await discord.waitForMessage(channelId, isSummary);
    // Every refusal was served (else the test proves nothing), and each post still appears once.
    expect((await settled(CHANNEL_POST, channelId, 6)).filter((status) => status !== 200)).toEqual([429, 500, 500, 500]);
    expect(discord.messages(channelId).filter(isQuizQuestion)).toHaveLength(1);
    expect(discord.messages(channelId).filter(isSummary)).toHaveLength(1);
    expect(JSON.stringify(summary.embeds)).toContain(discord.member2.id);
    expect(discord.message(question.id)?.edits).toBeGreaterThan(0);
    expect(t.logs().filter((l) => Number(l.level) >= 50)).toEqual([]);
  });
});
