/**
 * The quiz, prompt and article flows through the real bot and the local
 * Discord on every backend a deployment can choose: SQLite, and the shared
 * backends (Redis, PostgreSQL) whose test server runs. Each backend gets a
 * fresh store of its own; restarts reopen the same store, so what goes on
 * after one was read back from that backend, not from memory.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../src/content/loader.js';
import { DEFAULT_CONTENT_DIR } from '../src/content/paths.js';
import type { Content } from '../src/content/types.js';
import { listSchedules } from '../src/schedule/repository.js';
import { liveRoundPrefix, roundAnswerPrefix } from '../src/quiz/round-store.js';
import { tallyPrefix, type Tally } from '../src/quiz/tallies.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { ManualClock } from '../tools/manual-clock.js';
import type { MessageRecord, UserRecord } from '../tools/local-discord/index.js';
import { messageJson } from '../tools/local-discord/payloads.js';
import { startTestBot, type TestBot, type TestStorage } from './support/bot.js';
import { silentLogger } from './support/log.js';
import { buttonsOf, correctIndex, embedOf, isRevealed, promptPosts, promptPostsWithThreads, questionOf } from './support/messages.js';
import { BACKENDS, UNAVAILABLE } from './support/storage-backends.js';
import { tempDir } from './support/temp.js';

const LETTERS = ['A', 'B', 'C', 'D'];
const H = 60 * 60 * 1000;
const HARBOUR = 'harbour-bridge';

// A shared backend without its test server is reported, not silently left out.
for (const { name, reason } of UNAVAILABLE) {
  console.warn(`backends end to end: ${name} skipped: ${reason}`);
  describe(`the real bot on ${name}`, () => it.skip(`skipped: ${reason}`));
}

const STORAGES: TestStorage[] = ['SQLite', ...BACKENDS.filter((b) => b.shared).map((b) => b.name as TestStorage)];

// Two articles, so a channel's choice of the second one has something to survive.
const packs = tempDir();
let ghp: Content;
let harbour: Content;
beforeAll(async () => {
  mkdirSync(join(packs.dir, 'packs'));
  cpSync(DEFAULT_CONTENT_DIR, join(packs.dir, 'packs', 'a-passport'), { recursive: true });
  cpSync(join(import.meta.dirname, 'fixtures', 'packs', HARBOUR), join(packs.dir, 'packs', 'b-harbour'), { recursive: true });
  ghp = await loadContent(join(packs.dir, 'packs', 'a-passport'));
  harbour = await loadContent(join(packs.dir, 'packs', 'b-harbour'));
});
afterAll(() => packs.cleanup());

describe.each(STORAGES)('the real bot on %s', (storage) => {
  let tb: TestBot;
  let clock: ManualClock;
  /** A second connection to the bot's store, as another process would open it: what it reads is what the backend holds. */
  let outside: Store;
  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    tb = await startTestBot({ storage, clock, env: { CONTENT_DIR: join(packs.dir, 'packs'), DEFAULT_TIMEZONE: 'UTC' } });
    outside = await openStore(tb.config.STORAGE_URL, silentLogger());
  }, 30_000);
  afterAll(async () => {
    await outside?.close();
    if (!tb) return;
    expect(tb.discord.serverErrors).toEqual([]);
    expect(tb.logs().filter((l) => Number(l['level']) >= 50)).toEqual([]);
    await tb.stop();
  });

  const d = () => tb.discord;
  let channels = 0;
  const freshChannel = (label: string) => d().addChannel(`${label}-${++channels}`).id;
  const run = (user: UserRecord, channelId: string, name: string, subcommand?: string, options?: Record<string, string | number>) =>
    d().runCommand({ user, channelId, name, ...(subcommand ? { subcommand } : {}), ...(options ? { options } : {}) });
  const click = (user: UserRecord, m: MessageRecord, option: number) => d().clickButton({ user, messageId: m.id, customId: buttonsOf(m)[option]!.custom_id });
  const storedTally = (guildId: string, user: UserRecord) => outside.get<Tally>(`${tallyPrefix(guildId)}${user.id}`);

  const waitForQuestion = (channelId: string, index: number) =>
    d().waitFor(() => d().messages(channelId).find((m) => !m.ephemeral && buttonsOf(m).some((b) => new RegExp(`^quiz:a:[^:]+:${index}:`).test(b.custom_id))), 5000, `question ${index + 1}`);
  const waitForReveal = (messageId: string) => d().waitFor(() => { const m = d().message(messageId); return isRevealed(m) ? m : undefined; }, 5000, 'the reveal');
  const summaries = (channelId: string) => d().messages(channelId).filter((m) => /^Round (over|stopped): scores$/.test(embedOf(m).title ?? ''));
  const revealedCounts = (m: MessageRecord) => [...(embedOf(m).description ?? '').matchAll(/^\*\*[A-E]\.\*\* .* — (\d+) picks?$/gm)].map((x) => Number(x[1]));

  it('keeps its data in a fresh store of that backend', async () => {
    const scheme = { SQLite: /^sqlite:\/\//, Redis: /^redis:\/\//, PostgreSQL: /^postgres(ql)?:\/\// }[storage];
    expect(tb.config.STORAGE_URL).toMatch(scheme);
    // Only what the bot wrote at start is there: no tally, no round, no schedule from an earlier run.
    expect(await outside.scan(tallyPrefix(d().guild.id))).toEqual([]);
    expect(await outside.scan(liveRoundPrefix(d().guild.id))).toEqual([]);
    expect(await listSchedules(outside, d().guild.id)).toEqual([]);
  });

  it('a public round goes on across a restart: each click counted once, one reveal per question, one summary, exact tallies', async () => {
    const ch = freshChannel('round');
    const guildId = d().guild.id;
    const [ann, ben, cat] = ['ann', 'ben', 'cat'].map((n) => d().addUser({ username: `${storage}-${n}` })) as [UserRecord, UserRecord, UserRecord];
    await run(d().member, ch, 'quiz', 'start', { questions: 2, seconds: 30 }).reply();
    const q1 = await waitForQuestion(ch, 0);
    const right1 = correctIndex(questionOf(ghp, q1), q1);
    const wrong1 = (right1 + 1) % 4;
    expect((await click(ann, q1, right1).reply()).content).toBe(`Locked in: ${LETTERS[right1]}`);
    // A double click: both leave before either is answered; the first stands.
    const first = click(ben, q1, wrong1);
    const second = click(ben, q1, right1);
    expect((await first.reply()).content).toBe(`Locked in: ${LETTERS[wrong1]}`);
    expect((await second.reply()).content).toBe('You have already answered this question. Your first answer stands.');
    expect(await storedTally(guildId, ben)).toMatchObject({ answered: 1, correct: 0 });

    await clock.advance(10_000);
    await tb.restart();

    // Answered before the restart: still answered. New after it: counted in the same round.
    expect((await click(ann, q1, wrong1).reply()).content).toBe('You have already answered this question. Your first answer stands.');
    expect((await click(cat, q1, wrong1).reply()).content).toBe(`Locked in: ${LETTERS[wrong1]}`);
    // The question closes 30 s after it was posted, not 30 s after the restart.
    await clock.advance(19_999);
    expect(d().message(q1.id)?.edits).toBe(0);
    await clock.advance(1);
    const expected1 = [0, 0, 0, 0];
    expected1[right1] = 1;
    expected1[wrong1] = 2;
    expect(revealedCounts(await waitForReveal(q1.id))).toEqual(expected1);

    const q2 = await waitForQuestion(ch, 1);
    const right2 = correctIndex(questionOf(ghp, q2), q2);
    await click(ann, q2, right2).reply();
    await click(ben, q2, right2).reply();
    await clock.advance(30_000);
    const expected2 = [0, 0, 0, 0];
    expected2[right2] = 2;
    expect(revealedCounts(await waitForReveal(q2.id))).toEqual(expected2);
    const summary = await d().waitFor(() => summaries(ch)[0], 5000, 'the summary');
    expect(embedOf(summary).title).toBe('Round over: scores');
    expect(embedOf(summary).description).toBe([`1. <@${ann.id}> — 2/2 correct`, `2. <@${ben.id}> — 1/2 correct`, `3. <@${cat.id}> — 0/2 correct`].join('\n'));

    // Once each: two question posts, one reveal edit each, one summary.
    const roundId = buttonsOf(q1)[0]!.custom_id.split(':')[2]!;
    expect(d().messages(ch).filter((m) => buttonsOf(m).some((b) => b.custom_id.split(':')[2] === roundId)).map((m) => m.id)).toEqual([q1.id, q2.id]);
    expect([d().message(q1.id)?.edits, d().message(q2.id)?.edits]).toEqual([1, 1]);
    await clock.advance(60_000);
    expect(summaries(ch)).toHaveLength(1);

    expect(await storedTally(guildId, ann)).toMatchObject({ answered: 2, correct: 2 });
    expect(await storedTally(guildId, ben)).toMatchObject({ answered: 2, correct: 1 });
    expect(await storedTally(guildId, cat)).toMatchObject({ answered: 1, correct: 0 });
    // Finished: nothing of the round is left in the backend (deleted just after the summary is posted).
    const leftovers = async () => [...(await outside.scan(liveRoundPrefix(guildId))), ...(await outside.scan(roundAnswerPrefix(guildId)))].filter(([key]) => key.includes(roundId));
    for (let i = 0; i < 100 && (await leftovers()).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await leftovers()).toEqual([]);
  });

  it('a practice answer counts once: a double click is refused, and so is a stale click after a restart', async () => {
    const ch = freshChannel('practice');
    const user = d().addUser({ username: `${storage}-practiser` });
    const m = await run(user, ch, 'quiz', 'practice').reply();
    expect(m.ephemeral).toBe(true);
    const stale = messageJson(d().state, m);
    const right = correctIndex(questionOf(ghp, m), m);
    const letter = (option: number) => buttonsOf(m).find((b) => b.custom_id.startsWith('practice:q:') && b.label === LETTERS[option])!.custom_id;
    const first = d().clickButton({ user, messageId: m.id, customId: letter(right) });
    const second = d().clickButton({ user, messageId: m.id, customId: letter((right + 1) % 4) });
    expect((await first.response()).type).toBe(7);
    const refused = await second.reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('You have already answered this question. Click **Next question** for another.');
    const stored = await storedTally(d().guild.id, user);
    expect(stored).toMatchObject({ answered: 1, correct: 1 });

    await tb.restart();
    // A client that still shows the unanswered question clicks again after the restart.
    const base = d().commandPayload({ user, channelId: ch, name: 'quiz', subcommand: 'score' });
    const again = d().dispatchRaw({ t: 'INTERACTION_CREATE', d: { ...base, type: 3, data: { custom_id: letter(0), component_type: 2 }, message: stale } });
    expect((await again.reply()).content).toBe('You have already answered this question. Click **Next question** for another.');
    expect(await storedTally(d().guild.id, user)).toEqual(stored);
  });

  it('/prompt schedule survives a restart before its time: the post arrives once, on time, with its thread', async () => {
    const prompts = d().addChannel(`prompts-${storage}`).id;
    const reply = await d().runCommand({ user: d().moderator, channelId: d().channels.general.id, name: 'prompt', subcommand: 'schedule', options: { channel: { id: prompts }, when: 'in 1h', prompt: 'discuss-02' } }).reply();
    const id = /^Scheduled \*\*([a-z2-9]{4})\*\*/.exec(reply.content)?.[1];
    expect(id, reply.content).toBeDefined();
    expect((await listSchedules(outside, d().guild.id)).map((s) => s.id)).toContain(id);

    await tb.restart();
    await clock.advance(H - 1000);
    await tb.bot.services.schedules.idle();
    expect(promptPosts(d(), prompts)).toHaveLength(0);
    await clock.advance(1000);
    await tb.bot.services.schedules.idle();
    const [post] = await promptPostsWithThreads(d(), prompts, 1);
    expect(String(embedOf(post!).description)).toContain(ghp.prompt('discuss-02')!.text);
    expect(d().threads(prompts).filter((th) => th.id === post!.thread_id)).toHaveLength(1);

    // A day later there is still the one post: the run is done, in the backend too.
    await clock.advance(24 * H);
    await tb.bot.services.schedules.idle();
    expect(promptPosts(d(), prompts)).toHaveLength(1);
    expect(d().threads(prompts)).toHaveLength(1);
    expect((await listSchedules(outside, d().guild.id)).find((s) => s.id === id)?.lastResult).toMatchObject({ ok: true });
  });

  it('/quiz leaderboard and /quiz score agree with the tallies the backend holds, after a restart too', async () => {
    // A server of its own, so the other tests' answers stay off this board.
    const guild = d().addGuild({ name: `board-${storage}`, channels: ['board'] });
    const ch = d().channel('board', guild.id).id;
    // [name, right answers, wrong answers]: each answered through /quiz practice.
    const plan: Array<[string, number, number]> = [
      ['dee', 1, 1],
      ['eve', 3, 0],
      ['fay', 1, 0],
    ];
    const users = new Map<string, UserRecord>();
    for (const [name, right, wrong] of plan) {
      const user = d().addUser({ username: name, guildIds: [guild.id] });
      users.set(name, user);
      for (let i = 0; i < right + wrong; i++) {
        const m = await run(user, ch, 'quiz', 'practice').reply();
        const c = correctIndex(questionOf(ghp, m), m);
        const option = i < right ? c : (c + 1) % 4;
        const customId = buttonsOf(m).find((b) => b.custom_id.startsWith('practice:q:') && b.label === LETTERS[option])!.custom_id;
        expect((await d().clickButton({ user, messageId: m.id, customId }).response()).type).toBe(7);
      }
    }
    const stored = async () => new Map((await outside.scan<Tally>(tallyPrefix(guild.id))).map(([, t]) => [t.userName, t]));
    const before = await stored();
    expect([...before.values()].map((t) => [t.userName, t.correct, t.answered]).sort()).toEqual(plan.map(([name, right, wrong]) => [name, right, right + wrong]).sort());

    // Most right answers first, then accuracy: the stored numbers above, in that order.
    const board = async () => embedOf(await run(users.get('fay')!, ch, 'quiz', 'leaderboard').reply());
    const expectedBoard = ['1. eve: 3/3 correct (100%)', '2. fay: 1/1 correct (100%)', '3. dee: 1/2 correct (50%)'].join('\n');
    const scoreLine = async (name: string) => (embedOf(await run(users.get(name)!, ch, 'quiz', 'score').reply()).description ?? '').split('\n')[0];
    const expectScores = async () => {
      for (const [name] of plan) {
        const t = before.get(name)!;
        expect(await scoreLine(name)).toBe(`${t.correct}/${t.answered} correct (${Math.floor((100 * t.correct) / t.answered)}%)`);
      }
    };
    expect((await board()).description).toBe(expectedBoard);
    await expectScores();

    // After a restart the standings are read back from the backend: the same board, the same scores.
    const logged = tb.logs().length;
    await tb.restart();
    await d().waitFor(() => tb.logs().slice(logged).some((l) => l['msg'] === 'standings warmed') || undefined, 5000, 'the standings warm-up');
    expect((await board()).description).toBe(expectedBoard);
    expect((await board()).footer?.text).toMatch(/^3 people have answered/);
    await expectScores();
    expect(await stored()).toEqual(before);
  });

  it('/article use in a channel survives a restart; other channels keep the server default', async () => {
    const bridge = freshChannel('bridge');
    const passport = freshChannel('passport');
    expect((await run(d().moderator, bridge, 'article', 'use', { article: HARBOUR }).reply()).content).toBe(`<#${bridge}> now reads **${harbour.title}**.`);

    await tb.restart();
    expect(embedOf(await run(d().member, bridge, 'article', 'info').reply()).title).toBe(harbour.title);
    expect(embedOf(await run(d().member, bridge, 'excerpt', undefined, { paragraph: 1 }).reply()).description).toContain(harbour.paragraph(1)!.text.slice(0, 60));
    expect(embedOf(await run(d().member, passport, 'article', 'info').reply()).title).toBe(ghp.title);
    // Practice in the chosen channel asks from the chosen article.
    const m = await run(d().member, bridge, 'quiz', 'practice').reply();
    expect(buttonsOf(m).every((b) => !b.custom_id.startsWith('practice:q:') || b.custom_id.startsWith(`practice:q:${HARBOUR}:`))).toBe(true);
    expect(harbour.questions().map((q) => q.id)).toContain(questionOf(harbour, m).id);
  });
});
