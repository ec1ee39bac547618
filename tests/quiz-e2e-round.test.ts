/**
 * /quiz start and /quiz stop through the real bot (startBot) and the local Discord,
 * with a ManualClock driving the question timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../src/content/schema.js';
import { ManualClock } from '../tools/manual-clock.js';
import { EPHEMERAL, embedOf, buttonsOf, correctIndex, isRevealed, questionOf as questionIn } from './support/messages.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { LocalDiscordError, type MessageRecord, type UserRecord } from '../tools/local-discord/index.js';


let bot: TestBot;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  bot = await startTestBot({ clock });
});
afterAll(() => bot.stop());

const d = () => bot.discord;
let channelCount = 0;
const freshChannel = (label: string) => d().addChannel(`round-${label}-${++channelCount}`).id;

const questionOf = (m: MessageRecord): Question => questionIn(bot.bot.services.shelf.current.first, m);

/** Waits for question `index` (0-based) of a round posted in the channel after the first `since` messages. */
function waitForQuestion(channelId: string, index: number, since = 0): Promise<MessageRecord> {
  return d().waitFor(
    () =>
      d()
        .messages(channelId)
        .slice(since)
        .find((m) => !m.ephemeral && buttonsOf(m).some((b) => new RegExp(`^quiz:a:[^:]+:${index}:`).test(b.custom_id))),
    5000,
    `question ${index + 1} in the channel`,
  );
}

const waitForReveal = (messageId: string) => d().waitFor(() => { const m = d().message(messageId); return isRevealed(m) ? m : undefined; }, 5000, 'the reveal');
const waitForSummary = (channelId: string, title: RegExp) => d().waitForMessage(channelId, (m) => title.test(embedOf(m).title ?? ''));

function start(user: UserRecord, channelId: string, options: Record<string, string | number> = {}) {
  return d().runCommand({ user, channelId, name: 'quiz', subcommand: 'start', options });
}
const stop = (user: UserRecord, channelId: string) => d().runCommand({ user, channelId, name: 'quiz', subcommand: 'stop' });

/** Runs a round to its end, returning every question message in order. */
async function playThrough(channelId: string, count: number, seconds: number, since = 0): Promise<MessageRecord[]> {
  const posted: MessageRecord[] = [];
  for (let i = 0; i < count; i++) {
    const m = await waitForQuestion(channelId, i, since);
    posted.push(m);
    await clock.advance(seconds * 1000);
    await waitForReveal(m.id);
  }
  return posted;
}

describe('/quiz start', () => {
  it('with no options runs 5 questions of 30 seconds each, and reveals exactly when 30 s are up', async () => {
    const ch = freshChannel('defaults');
    const reply = await start(d().member, ch).reply();
    expect(reply.flags & EPHEMERAL).toBe(0);
    expect(reply.content).toMatch(/^Quiz round: 5 questions, 30 seconds each\./);
    const first = await waitForQuestion(ch, 0);
    expect(embedOf(first).title).toMatch(/^Question 1 of 5 · /);
    expect(buttonsOf(first).map((b) => b.label)).toEqual(['A', 'B', 'C', 'D']);

    await clock.advance(29_999);
    // A click answered "Locked in" proves the question was still open at 29.999 s.
    const click = await d().clickButton({ user: d().member2, messageId: first.id, customId: buttonsOf(first)[0]!.custom_id }).reply();
    expect(click.content).toBe('Locked in: A');
    expect(d().message(first.id)?.edits).toBe(0);

    await clock.advance(1);
    await waitForReveal(first.id);
    const second = await waitForQuestion(ch, 1);
    expect(embedOf(second).title).toMatch(/^Question 2 of 5 · /);
    await stop(d().member, ch).reply();
  });

  it('seconds:10 closes each question after 10 s and says so in the announcement', async () => {
    const ch = freshChannel('seconds');
    expect((await start(d().member, ch, { seconds: 10, questions: 1 }).reply()).content).toMatch(/^Quiz round: 1 question, 10 seconds each\./);
    const q = await waitForQuestion(ch, 0);
    await clock.advance(9_999);
    const click = await d().clickButton({ user: d().member, messageId: q.id, customId: buttonsOf(q)[1]!.custom_id }).reply();
    expect(click.content).toBe('Locked in: B');
    await clock.advance(1);
    await waitForReveal(q.id);
    await waitForSummary(ch, /^Round over/);
  });

  it('questions:3 posts three questions, then the summary', async () => {
    const ch = freshChannel('three');
    expect((await start(d().member, ch, { questions: 3, seconds: 10 }).reply()).content).toMatch(/^Quiz round: 3 questions, 10 seconds each/);
    const posted = await playThrough(ch, 3, 10);
    expect(posted.map((m) => embedOf(m).title?.slice(0, 14))).toEqual(['Question 1 of ', 'Question 2 of ', 'Question 3 of ']);
    expect(embedOf(posted[2]!).title).toMatch(/^Question 3 of 3 · /);
    await waitForSummary(ch, /^Round over/);
  });

  it('category and difficulty options: every question posted has that skill and difficulty', async () => {
    const ch = freshChannel('filter');
    const bank = bot.bot.services.shelf.current.first.questions({ category: 'quote-integrity', difficulty: 2 });
    expect(bank.length).toBeGreaterThanOrEqual(3);
    await start(d().member, ch, { questions: 3, category: 'quote-integrity', difficulty: 2, seconds: 10 }).reply();
    const posted = await playThrough(ch, 3, 10);
    for (const m of posted) {
      const q = questionOf(m);
      expect(q.category).toBe('quote-integrity');
      expect(q.difficulty).toBe(2);
      expect(embedOf(m).title).toContain('Quote integrity · difficulty ●●○');
    }
    await waitForSummary(ch, /^Round over/);
  });

  it('when fewer questions match than asked for, the round says how many and runs with those', async () => {
    const ch = freshChannel('fewer');
    const available = bot.bot.services.shelf.current.first.questions({ category: 'source-chain', difficulty: 1 }).length;
    expect(available).toBeLessThan(5);
    const reply = await start(d().member, ch, { questions: 5, category: 'source-chain', difficulty: 1 }).reply();
    expect(reply.content).toContain(`Quiz round: ${available} questions (only ${available} match your choice), 30 seconds each`);
    const first = await waitForQuestion(ch, 0);
    expect(embedOf(first).title).toMatch(new RegExp(`^Question 1 of ${available} · Source chain · difficulty ●○○`));
    await stop(d().member, ch).reply();
  });

  // What this checks is the bot's own command definition (min, max, choices), as Discord enforces it.
  it('the /quiz start definition bounds its options, so out-of-range values are refused before they reach the bot', () => {
    const ch = freshChannel('range');
    expect(() => start(d().member, ch, { questions: 0 })).toThrow(LocalDiscordError);
    expect(() => start(d().member, ch, { questions: 11 })).toThrow(/above max_value 10/);
    expect(() => start(d().member, ch, { seconds: 9 })).toThrow(/below min_value 10/);
    expect(() => start(d().member, ch, { seconds: 121 })).toThrow(/above max_value 120/);
    expect(() => start(d().member, ch, { difficulty: 4 })).toThrow(/not one of the choices/);
    expect(() => start(d().member, ch, { category: 'truthiness' })).toThrow(/not one of the choices/);
    expect(() => start(d().member, ch, { questions: 2.5 })).toThrow(/expected an integer/);
    expect(d().messages(ch)).toEqual([]);
  });

  it('a second round in the same channel is refused privately, naming the channel of the running one', async () => {
    const ch = freshChannel('busy');
    await start(d().member, ch, { questions: 2 }).reply();
    const first = await waitForQuestion(ch, 0);
    const second = await start(d().member2, ch).reply();
    expect(second.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(second.content).toBe(`A round is already running in <#${ch}>: finish it or use /quiz stop.`);
    // The running round is untouched: still on its first question, nothing else posted publicly.
    expect(d().message(first.id)?.edits).toBe(0);
    expect(d().messages(ch, { ephemeral: false }).filter((m) => buttonsOf(m).length > 0)).toHaveLength(1);
    await stop(d().member, ch).reply();
  });

  it('rounds in two channels run at the same time, each with its own questions and timer', async () => {
    const a = freshChannel('twin-a');
    const b = freshChannel('twin-b');
    await start(d().member, a, { questions: 1, seconds: 10 }).reply();
    const bReply = await start(d().member2, b, { questions: 1, seconds: 20 }).reply();
    expect(bReply.flags & EPHEMERAL).toBe(0);
    const qa = await waitForQuestion(a, 0);
    const qb = await waitForQuestion(b, 0);
    expect(buttonsOf(qa)[0]!.custom_id.split(':')[2]).not.toBe(buttonsOf(qb)[0]!.custom_id.split(':')[2]);
    await clock.advance(10_000);
    await waitForReveal(qa.id);
    await waitForSummary(a, /^Round over/);
    expect(d().message(qb.id)?.edits).toBe(0);
    await clock.advance(10_000);
    await waitForReveal(qb.id);
    await waitForSummary(b, /^Round over/);
  });

  it('in a channel where the bot cannot send messages, the round is refused privately with what permission is missing', async () => {
    const locked = d().channels.locked.id;
    const reply = await start(d().member, locked).reply();
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(reply.content).toBe(`I need View Channel, Send Messages and Embed Links in <#${locked}> to run a round here.`);
    expect(d().messages(locked, { ephemeral: false })).toEqual([]);
    // No round was registered there.
    expect(bot.bot.services.quiz.rounds.inChannel(locked)).toBeUndefined();
  });

  it('if the announcement cannot be sent, no invisible round is left blocking the channel', async () => {
    const ch = freshChannel('ack-lost');
    d().failNext('POST /interactions/:id/:token/callback', { status: 404, code: 10062 });
    const lost = start(d().member, ch, { questions: 2 });
    await lost.response(); // the apology that follows the failed announcement
    expect(bot.logs().some((l) => l['msg'] === 'interaction failed' && l['interactionId'] === lost.id)).toBe(true);
    expect(bot.bot.services.quiz.rounds.inChannel(ch)).toBeUndefined();
    const retry = await start(d().member, ch, { questions: 2 }).reply();
    expect(retry.content).toMatch(/^Quiz round: 2 questions/);
    await waitForQuestion(ch, 0);
    await stop(d().member, ch).reply();
  });

  it('the next round in a channel prefers questions the channel has not seen', async () => {
    const ch = freshChannel('unseen');
    const bank = bot.bot.services.shelf.current.first.questions({ category: 'source-chain' });
    const first = bank.length - 2;
    expect(first).toBeGreaterThanOrEqual(5);
    expect(first).toBeLessThanOrEqual(10);
    await start(d().member, ch, { questions: first, category: 'source-chain', seconds: 10 }).reply();
    const firstRound = (await playThrough(ch, first, 10)).map((m) => questionOf(m).id);
    expect(new Set(firstRound).size).toBe(first);
    await waitForSummary(ch, /^Round over/);

    const since = d().messages(ch).length;
    await start(d().member, ch, { questions: 2, category: 'source-chain', seconds: 10 }).reply();
    const secondRound = (await playThrough(ch, 2, 10, since)).map((m) => questionOf(m).id);
    const unseen = bank.map((q) => q.id).filter((id) => !firstRound.includes(id));
    expect(secondRound.sort()).toEqual(unseen.sort());
  });
});

describe('/quiz stop', () => {
  it('by the starter ends the round: the open question is revealed and the scores are posted', async () => {
    const ch = freshChannel('stop-starter');
    await start(d().member, ch, { questions: 3 }).reply();
    const q = await waitForQuestion(ch, 0);
    const right = correctIndex(questionOf(q), q);
    await d().clickButton({ user: d().member2, messageId: q.id, customId: buttonsOf(q)[right]!.custom_id }).reply();
    const reply = await stop(d().member, ch).reply();
    expect(reply.content).toBe('Round stopped.');
    expect(reply.flags & EPHEMERAL).toBe(0);
    const revealed = await waitForReveal(q.id);
    expect(buttonsOf(revealed).filter((b) => b.custom_id.startsWith('quiz:a:')).every((b) => b.disabled === true)).toBe(true);
    const summary = await waitForSummary(ch, /^Round stopped: scores$/);
    expect(embedOf(summary).description).toBe(`1. <@${d().member2.id}> — 1/3 correct`);
    expect(bot.bot.services.quiz.rounds.inChannel(ch)).toBeUndefined();
    // Its timer is gone: time passing posts no second question and no second summary.
    await clock.advance(60_000);
    expect((await stop(d().member, ch).reply()).content).toBe('No round is running in this channel.');
    expect(d().messages(ch).filter((m) => buttonsOf(m).length > 0)).toHaveLength(1);
    expect(d().messages(ch).filter((m) => /^Round/.test(embedOf(m).title ?? ''))).toHaveLength(1);
  });

  it('by a member who did not start the round is refused privately, and the round goes on', async () => {
    const ch = freshChannel('stop-other');
    await start(d().member, ch, { questions: 1, seconds: 10 }).reply();
    const q = await waitForQuestion(ch, 0);
    const reply = await stop(d().member2, ch).reply();
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(reply.content).toBe('Only the person who started this round, or someone who can manage messages, can stop it.');
    expect(d().message(q.id)?.edits).toBe(0);
    expect((await d().clickButton({ user: d().member2, messageId: q.id, customId: buttonsOf(q)[0]!.custom_id }).reply()).content).toBe('Locked in: A');
    await clock.advance(10_000);
    await waitForSummary(ch, /^Round over/);
  });

  it('by someone with Manage Messages works on a round someone else started', async () => {
    const ch = freshChannel('stop-mod');
    await start(d().member, ch, { questions: 2 }).reply();
    const q = await waitForQuestion(ch, 0);
    const reply = await stop(d().moderator, ch).reply();
    expect(reply.content).toBe('Round stopped.');
    await waitForReveal(q.id);
    const summary = await waitForSummary(ch, /^Round stopped/);
    expect(embedOf(summary).description).toBe('No one answered this round.');
  });

  it('with no round running is refused privately', async () => {
    const ch = freshChannel('stop-none');
    const reply = await stop(d().moderator, ch).reply();
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(reply.content).toBe('No round is running in this channel.');
    expect(d().messages(ch, { ephemeral: false })).toEqual([]);
  });
});

describe('/quiz start in a thread', () => {
  it('runs the round inside a thread, including one created while the bot was not watching', async () => {
    const parent = freshChannel('thread-parent');
    const thread = d().state.addChannel(d().guild, { name: 'reading-group', type: 11, parent_id: parent });
    const ack = await start(d().member, thread.id, { questions: 1, seconds: 10 }).reply();
    expect(ack.flags & EPHEMERAL).toBe(0);
    const question = await waitForQuestion(thread.id, 0);
    expect(question.channel_id).toBe(thread.id);
    await clock.advance(10_000);
    await waitForReveal(question.id);
  });
});
