/**
 * Answering a public round through the real bot and the local Discord: acknowledgements,
 * one answer per person, the reveal, the summary, clicks after the end or a restart,
 * 500 people at once, and a storage failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../src/content/schema.js';
import { getTally, listTallies, type Tally } from '../src/quiz/tallies.js';
import { ManualClock } from '../tools/manual-clock.js';
import type { Store } from '../src/storage/store.js';
import { EPHEMERAL, embedOf, buttonsOf, isRevealed, correctIndex, questionOf as questionIn, shownOptions } from './support/messages.js';
import { startTestBot, type TestBot } from './support/bot.js';
import type { MessageRecord, UserRecord } from '../tools/local-discord/index.js';
import { messageJson } from '../tools/local-discord/payloads.js';

const LETTERS = ['A', 'B', 'C', 'D', 'E'];

let bot: TestBot;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  bot = await startTestBot({ clock });
});
afterAll(() => bot.stop());

const d = () => bot.discord;
const store = () => bot.bot.services.store;
const guildId = () => d().guild.id;
let channelCount = 0;
const freshChannel = (label: string) => d().addChannel(`answers-${label}-${++channelCount}`).id;

const questionOf = (m: MessageRecord): Question => questionIn(bot.bot.services.shelf.current.first, m);

function waitForQuestion(channelId: string, index: number): Promise<MessageRecord> {
  return d().waitFor(
    () => d().messages(channelId).find((m) => !m.ephemeral && buttonsOf(m).some((b) => new RegExp(`^quiz:a:[^:]+:${index}:`).test(b.custom_id))),
    5000,
    `question ${index + 1}`,
  );
}
const waitForReveal = (messageId: string) => d().waitFor(() => { const m = d().message(messageId); return isRevealed(m) ? m : undefined; }, 5000, 'the reveal');
const waitForSummary = (channelId: string) => d().waitForMessage(channelId, (m) => /^Round (over|stopped): scores$/.test(embedOf(m).title ?? ''));

async function startRound(channelId: string, options: Record<string, string | number> = {}, user: UserRecord = d().moderator): Promise<MessageRecord> {
  await d().runCommand({ user, channelId, name: 'quiz', subcommand: 'start', options: { seconds: 10, ...options } }).reply();
  return waitForQuestion(channelId, 0);
}
const click = (user: UserRecord, m: MessageRecord, option: number) => d().clickButton({ user, messageId: m.id, customId: buttonsOf(m)[option]!.custom_id });

/** Counts per option as the reveal shows them ("— 2 picks"). */
function revealedCounts(m: MessageRecord): number[] {
  return [...(embedOf(m).description ?? '').matchAll(/^\*\*[A-E]\.\*\* .* — (\d+) picks?$/gm)].map((x) => Number(x[1]));
}

/** A component click from a client that still shows `stale` (Discord's own client would send the same payload). */
function clickFromStaleClient(user: UserRecord, stale: ReturnType<typeof messageJson>, customId: string) {
  const base = d().commandPayload({ user, channelId: stale.channel_id, name: 'quiz', subcommand: 'score' });
  return d().dispatchRaw({ t: 'INTERACTION_CREATE', d: { ...base, type: 3, data: { custom_id: customId, component_type: 2 }, message: stale } });
}

const tallyOf = (user: UserRecord): Promise<Tally | undefined> => getTally(store(), guildId(), user.id);
const answeredBy = async (user: UserRecord) => (await tallyOf(user))?.answered ?? 0;

describe('answering a round question', () => {
  it('a click is acknowledged only to the clicker with the letter locked in', async () => {
    const ch = freshChannel('ack');
    const q = await startRound(ch, { questions: 1 });
    const handle = click(d().member, q, 1);
    const response = await handle.response();
    expect(response.type).toBe(4);
    expect(response.data?.['content']).toBe('Locked in: B');
    expect(Number(response.data?.['flags']) & EPHEMERAL).toBe(EPHEMERAL);
    expect((await handle.reply()).ephemeral).toBe(true);
    await clock.advance(10_000);
    await waitForSummary(ch);
  });

  it('two people answering the same question at the same moment are both counted', async () => {
    const ch = freshChannel('two');
    const q = await startRound(ch, { questions: 1 });
    const [alice, bob] = [d().addUser({ username: 'twin-alice' }), d().addUser({ username: 'twin-bob' })];
    const a = click(alice, q, 0);
    const b = click(bob, q, 2);
    expect((await a.reply()).content).toBe('Locked in: A');
    expect((await b.reply()).content).toBe('Locked in: C');
    expect(await answeredBy(alice)).toBe(1);
    expect(await answeredBy(bob)).toBe(1);
    await clock.advance(10_000);
    const revealed = await waitForReveal(q.id);
    expect(revealedCounts(revealed)).toEqual([1, 0, 1, 0]);
    expect(embedOf(revealed).footer?.text).toBe('2 answers');
  });

  it('a double click is refused privately and the first answer stands, in the tally and in the reveal', async () => {
    const ch = freshChannel('double');
    const q = await startRound(ch, { questions: 1 });
    const user = d().addUser({ username: 'double-clicker' });
    const right = correctIndex(questionOf(q), q);
    const wrong = (right + 1) % 4;
    // Both clicks leave before either is answered.
    const first = click(user, q, wrong);
    const second = click(user, q, right);
    expect((await first.reply()).content).toBe(`Locked in: ${LETTERS[wrong]}`);
    const refused = await second.reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('You have already answered this question. Your first answer stands.');
    const tally = await tallyOf(user);
    expect(tally).toMatchObject({ answered: 1, correct: 0 });
    await clock.advance(10_000);
    const revealed = await waitForReveal(q.id);
    const expected = [0, 0, 0, 0];
    expected[wrong] = 1;
    expect(revealedCounts(revealed)).toEqual(expected);
    const summary = await waitForSummary(ch);
    expect(embedOf(summary).description).toBe(`1. <@${user.id}> — 0/1 correct`);
  });

  it('no one sees what others chose before time is up: the question is not edited and shows no counts', async () => {
    const ch = freshChannel('secret');
    const q = await startRound(ch, { questions: 1, seconds: 20 });
    for (const [i, name] of ['s1', 's2', 's3'].entries()) await click(d().addUser({ username: `secret-${name}` }), q, i).reply();
    await clock.advance(19_000);
    const still = d().message(q.id)!;
    expect(still.edits).toBe(0);
    expect(JSON.stringify(still.embeds)).not.toMatch(/pick|answers|✅/);
    expect(buttonsOf(still).every((b) => b.disabled !== true)).toBe(true);
    // Every acknowledgement went to its clicker alone.
    expect(d().messages(ch, { ephemeral: false }).filter((m) => /Locked in/.test(m.content))).toEqual([]);
    await clock.advance(1_000);
    expect(revealedCounts(await waitForReveal(q.id))).toEqual([1, 1, 1, 0]);
  });

  it('the reveal shows the right letter and text, the explanation, the quoted sentence with its ¶, the counts, and disables the buttons', async () => {
    const ch = freshChannel('reveal');
    const q = await startRound(ch, { questions: 1 });
    const question = questionOf(q);
    const right = correctIndex(question, q);
    const shown = shownOptions(question, q);
    const letterIds = buttonsOf(q).map((b) => b.custom_id);
    await click(d().member, q, right).reply();
    await click(d().member2, q, (right + 1) % 4).reply();
    await clock.advance(10_000);
    const revealed = await waitForReveal(q.id);
    const embed = embedOf(revealed);
    expect(embed.title).toMatch(/^Question 1 of 1 · .* · revealed$/);
    const field = (name: string) => embed.fields?.find((f) => f.name === name)?.value ?? '';
    expect(field('Answer')).toBe(`**${LETTERS[right]}.** ${shown[right]!.text}`);
    expect(field('Why')).toBe(question.explanation);
    const citation = field('From the article');
    expect(citation).toContain(`> ${question.quotes[0]!.slice(0, 80)}`);
    expect(citation).toMatch(new RegExp(`— ¶(${question.cites.join('|')})`));
    const counts = shown.map((_, i) => (i === right || i === (right + 1) % 4 ? 1 : 0));
    expect(revealedCounts(revealed)).toEqual(counts);
    expect(embed.description).toContain(`**${LETTERS[right]}.** ${shown[right]!.text} ✅ — 1 pick`);
    expect(embed.footer?.text).toBe('2 answers');
    // The letters stay, disabled, in the order the question showed them; "Why not mine?" is the one live button.
    expect(buttonsOf(revealed).map((b) => b.label)).toEqual(['A', 'B', 'C', 'D', 'Why not mine?']);
    expect(buttonsOf(revealed).slice(0, 4).map((b) => b.custom_id)).toEqual(letterIds);
    expect(buttonsOf(revealed).map((b) => b.disabled === true)).toEqual([true, true, true, true, false]);
    // Discord does not let anyone click a disabled button.
    expect(() => click(d().member, revealed, 0)).toThrow(/disabled/);
    await waitForSummary(ch);
  });

  it('a round never repeats a question', async () => {
    const ch = freshChannel('distinct');
    const ids: string[] = [];
    let m = await startRound(ch, { questions: 10 });
    for (let i = 0; i < 10; i++) {
      if (i > 0) m = await waitForQuestion(ch, i);
      ids.push(questionOf(m).id);
      await clock.advance(10_000);
      await waitForReveal(m.id);
    }
    expect(new Set(ids).size).toBe(10);
    await waitForSummary(ch);
  });

  it('after the last question the summary lists everyone by correct answers', async () => {
    const ch = freshChannel('summary');
    const [ann, ben, cat] = ['ann', 'ben', 'cat'].map((n) => d().addUser({ username: `sum-${n}` })) as [UserRecord, UserRecord, UserRecord];
    let m = await startRound(ch, { questions: 2 });
    for (let i = 0; i < 2; i++) {
      if (i > 0) m = await waitForQuestion(ch, i);
      const right = correctIndex(questionOf(m), m);
      await click(ann, m, right).reply(); // 2/2
      await click(ben, m, i === 0 ? right : (right + 1) % 4).reply(); // 1/2
      if (i === 1) await click(cat, m, (right + 1) % 4).reply(); // 0/1
      await clock.advance(10_000);
      await waitForReveal(m.id);
    }
    const summary = await waitForSummary(ch);
    expect(embedOf(summary).title).toBe('Round over: scores');
    expect(embedOf(summary).description).toBe([`1. <@${ann.id}> — 2/2 correct`, `2. <@${ben.id}> — 1/2 correct`, `3. <@${cat.id}> — 0/2 correct`].join('\n'));
    // Mentions in the summary notify no one.
    expect(summary.pinged.users).toEqual([]);
    expect(bot.bot.services.quiz.rounds.inChannel(ch)).toBeUndefined();
  });

  it('a click that arrives after the round ended is told the round is over and counts nothing', async () => {
    const ch = freshChannel('ended');
    const q = await startRound(ch, { questions: 1 });
    const stale = messageJson(d().state, q); // what a client that has not seen the reveal yet still shows
    const user = d().addUser({ username: 'late-clicker' });
    await clock.advance(10_000);
    await waitForReveal(q.id);
    await waitForSummary(ch);
    const late = await clickFromStaleClient(user, stale, buttonsOf(q)[0]!.custom_id).reply();
    expect(late.ephemeral).toBe(true);
    expect(late.content).toBe('This round is over. Start a new one with `/quiz start`.');
    expect(await tallyOf(user)).toBeUndefined();
  });

  it('a click on a question that has been closed while the round goes on is refused and counts nothing', async () => {
    const ch = freshChannel('closed');
    const q1 = await startRound(ch, { questions: 2 });
    const stale = messageJson(d().state, q1);
    await clock.advance(10_000);
    await waitForQuestion(ch, 1);
    const user = d().addUser({ username: 'slow-clicker' });
    const late = await clickFromStaleClient(user, stale, buttonsOf(q1)[0]!.custom_id).reply();
    expect(late.content).toBe('This question is closed; its answer has been revealed.');
    expect(await tallyOf(user)).toBeUndefined();
    await d().runCommand({ user: d().moderator, channelId: ch, name: 'quiz', subcommand: 'stop' }).reply();
  });

  it('500 people answering one question at once are each tallied exactly once', async () => {
    const ch = freshChannel('crowd');
    const q = await startRound(ch, { questions: 1 });
    const users = Array.from({ length: 500 }, (_, i) => d().addUser({ username: `crowd-${i}` }));
    const handles = users.map((u, i) => click(u, q, i % 4));
    const replies = await Promise.all(handles.map((h) => h.reply(15_000)));
    replies.forEach((r, i) => expect(r.content, users[i]!.username).toBe(`Locked in: ${LETTERS[i % 4]}`));
    const tallies = new Map((await listTallies(bot.bot.services, guildId())).map((t) => [t.userId, t]));
    const right = correctIndex(questionOf(q), q);
    for (const [i, u] of users.entries()) {
      expect(tallies.get(u.id), u.username).toMatchObject({ answered: 1, correct: i % 4 === right ? 1 : 0, userName: u.username });
    }
    await clock.advance(10_000);
    const revealed = await waitForReveal(q.id);
    expect(revealedCounts(revealed)).toEqual([125, 125, 125, 125]);
    expect(embedOf(revealed).footer?.text).toBe('500 answers');
    await waitForSummary(ch);
  }, 30_000);

  it('when storage fails while recording, the clicker is told the answer was not recorded, the error is logged, and a retry counts', async () => {
    const ch = freshChannel('storage');
    const q = await startRound(ch, { questions: 1 });
    const user = d().addUser({ username: 'unlucky' });
    const s = store();
    const original = s.update;
    s.update = (async () => {
      s.update = original;
      throw new Error('SQLITE_IOERR: disk I/O error');
    }) as Store['update'];
    const failed = await click(user, q, 2).reply();
    expect(s.update).toBe(original);
    expect(failed.ephemeral).toBe(true);
    expect(failed.content).toBe('Your answer was not recorded because of a storage problem. Please click again in a moment.');
    expect(await tallyOf(user)).toBeUndefined();
    const logged = bot.logs().find((l) => l['msg'] === 'answer not recorded');
    expect(logged?.['level']).toBe(50);
    expect(JSON.stringify(logged?.['err'])).toContain('SQLITE_IOERR');
    // The failed click was withdrawn, so the next one is taken and counted once.
    expect((await click(user, q, 3).reply()).content).toBe('Locked in: D');
    expect(await tallyOf(user)).toMatchObject({ answered: 1 });
    await clock.advance(10_000);
    expect(revealedCounts(await waitForReveal(q.id))).toEqual([0, 0, 0, 1]);
  });

  it('when the learning record cannot be written at the reveal, the error is logged and the reveal and the scores go on', async () => {
    const ch = freshChannel('learning-fails');
    const q = await startRound(ch, { questions: 1 });
    const user = d().addUser({ username: 'unrecorded-learner' });
    expect((await click(user, q, 1).reply()).content).toBe('Locked in: B');
    const s = store();
    const original = s.update;
    let failed = 0;
    s.update = (async (key: string, fn: never) => {
      if (key.startsWith('learning:')) {
        failed++;
        throw new Error('SQLITE_IOERR: disk I/O error');
      }
      return original.call(s, key, fn);
    }) as Store['update'];
    try {
      await clock.advance(10_000);
      expect(revealedCounts(await waitForReveal(q.id))).toEqual([0, 1, 0, 0]);
      await waitForSummary(ch);
    } finally {
      s.update = original;
    }
    expect(failed).toBe(1);
    const logged = bot.logs().find((l) => l['msg'] === 'could not record a round answer in the learning record');
    expect(logged?.['level']).toBe(50);
    expect(logged?.['userId']).toBe(user.id);
    expect(await tallyOf(user)).toMatchObject({ answered: 1 });
  });
});

describe('a round goes on across a restart', () => {
  it('counts the clicks before and after once each, reveals on time once, and posts one summary', async () => {
    const ch = freshChannel('restart');
    const q = await startRound(ch, { questions: 2, seconds: 30 }, d().member);
    const user = d().addUser({ username: 'before-restart' });
    expect((await click(user, q, 0).reply()).content).toBe('Locked in: A');
    const before = await tallyOf(user);
    expect(before?.answered).toBe(1);
    await clock.advance(10_000);
    await bot.restart();

    // The same person again: still answered; someone new: counted, in the same round.
    const again = await click(user, q, 1).reply();
    expect(again.content).toBe('You have already answered this question. Your first answer stands.');
    expect(await tallyOf(user)).toEqual(before);
    const other = d().addUser({ username: 'after-restart' });
    expect((await click(other, q, 1).reply()).content).toBe('Locked in: B');
    expect((await tallyOf(other))?.answered).toBe(1);

    // The question closes 30 s after it was posted, not 30 s after the restart.
    await clock.advance(19_999);
    expect(d().message(q.id)?.edits).toBe(0);
    await clock.advance(1);
    const revealed = await waitForReveal(q.id);
    // Both picks, the one from before the restart included, are in the reveal's counts.
    expect(revealedCounts(revealed).slice(0, 2)).toEqual([1, 1]);
    const second = await waitForQuestion(ch, 1);
    await clock.advance(30_000);
    await waitForReveal(second.id);
    await waitForSummary(ch);
    const roundId = buttonsOf(q)[0]!.custom_id.split(':')[2]!;
    expect(d().messages(ch).filter((m) => buttonsOf(m).some((b) => b.custom_id.split(':')[2] === roundId))).toHaveLength(2);
    expect(d().messages(ch).filter((m) => /^Round/.test(embedOf(m).title ?? ''))).toHaveLength(1);
    expect(d().message(q.id)?.edits).toBe(1);
    // Finished: nothing of it is left in storage (deleted just after the summary is posted).
    const leftovers = async () => [...(await store().scan(`round:${guildId()}:`)), ...(await store().scan(`round-answer:${guildId()}:`))].filter(([key]) => key.includes(roundId));
    for (let i = 0; i < 50 && (await leftovers()).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await leftovers()).toEqual([]);
  });

  it('reveals at start a question whose time passed while the bot was down, then goes on', async () => {
    const ch = freshChannel('down');
    const q = await startRound(ch, { questions: 2, seconds: 10 }, d().member);
    const user = d().addUser({ username: 'while-down' });
    await click(user, q, 2).reply();
    await bot.restart(() => clock.advance(60_000));
    const revealed = await waitForReveal(q.id);
    expect(revealedCounts(revealed)[2]).toBe(1);
    const second = await waitForQuestion(ch, 1);
    expect(embedOf(second).title).toMatch(/^Question 2 of 2 · /);
    await d().runCommand({ user: d().member, channelId: ch, name: 'quiz', subcommand: 'stop' }).reply();
    await waitForSummary(ch);
  });
});
