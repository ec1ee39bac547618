/**
 * The learning loop through the real bot and the local Discord, with a
 * ManualClock: answers reach the learning record, /quiz review and its
 * retries, spaced practice, confidence in practice and in rounds, the export's
 * learning columns, and bad input (stale, forged or someone else's buttons).
 * Each test works in a server of its own, so the records it sees are its own.
 */
import { describe, expect, it } from 'vitest';
import type { Question } from '../src/content/schema.js';
import { itemRef } from '../src/content/refs.js';
import { getLearning, rateConfidence, recordLearning, reviewList } from '../src/learning/record.js';
import { DAY_MS } from '../src/learning/boxes.js';
import { getTally, recordAnswer } from '../src/quiz/tallies.js';
import type { GuildRecord, MessageRecord, UserRecord } from '../tools/local-discord/index.js';
import { messageJson } from '../tools/local-discord/payloads.js';
import { useCleanBot } from './support/bot.js';
import { EPHEMERAL, buttonsOf, correctIndex, embedOf, isRevealed, questionOf as questionIn, shownOptions } from './support/messages.js';

const h = useCleanBot();
const d = () => h.tb.discord;
const store = () => h.tb.bot.services.store;
const article = () => h.tb.bot.services.shelf.current.first;
const questionOf = (m: MessageRecord): Question => questionIn(article(), m);
const LETTERS = 'ABCDE';

/** Polls an async read until it gives a value (the local Discord's waitFor takes a synchronous check). */
async function eventually<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface World {
  guild: GuildRecord;
  ch: string;
  learner: UserRecord;
  other: UserRecord;
  admin: UserRecord;
}

let worlds = 0;
function world(): World {
  const n = ++worlds;
  const guild = d().addGuild({ name: `loop-guild-${n}`, channels: ['learn'], members: [] });
  return {
    guild,
    ch: d().channel('learn', guild.id).id,
    learner: d().addUser({ username: `learner${n}`, guildIds: [guild.id] }),
    other: d().addUser({ username: `other${n}`, guildIds: [guild.id] }),
    admin: d().addUser({ username: `loopadmin${n}`, guildIds: [guild.id], permissions: ['ManageGuild'] }),
  };
}

const run = (w: World, user: UserRecord, name: string, subcommand: string, options?: Record<string, string | number>) =>
  d().runCommand({ user, channelId: w.ch, name, subcommand, ...(options ? { options } : {}) });
const click = (user: UserRecord, m: MessageRecord, customId: string) => d().clickButton({ user, messageId: m.id, customId });
const button = (m: MessageRecord, label: string) => {
  const b = buttonsOf(d().message(m.id) ?? m).find((x) => x.label === label);
  if (!b) throw new Error(`no button "${label}" on ${m.id}`);
  return b;
};
/** A click that did not come from the message as the client shows it now: a stale screen, or a forged id. */
function rawClick(w: World, user: UserRecord, m: MessageRecord | Snapshot, customId: string) {
  const base = d().commandPayload({ user, channelId: w.ch, name: 'quiz', subcommand: 'review' });
  const message = 'edits' in m ? snap(m) : m;
  return d().dispatchRaw({ t: 'INTERACTION_CREATE', d: { ...base, type: 3, data: { custom_id: customId, component_type: 2 }, message } });
}
type Snapshot = ReturnType<typeof messageJson>;
/** The message as a client shows it now, kept for a later stale click. */
const snap = (m: MessageRecord): Snapshot => structuredClone(messageJson(d().state, d().message(m.id) ?? m));

/** Asks a practice question and picks the right or a wrong option; the message then asks how sure the learner was. */
async function pick(w: World, right: boolean, user = w.learner) {
  const m = await run(w, user, 'quiz', 'practice').reply();
  const q = questionOf(m);
  const c = correctIndex(q, m);
  const i = right ? c : (c + 1) % q.options.length;
  expect((await click(user, m, buttonsOf(m)[i]!.custom_id).response()).type).toBe(7);
  return { m, q, option: shownOptions(q, m)[i]!, letter: LETTERS[i]! };
}

describe('answers reach /quiz review', () => {
  it('three missed questions are listed newest first; a right retry takes one off the list, a wrong one keeps it, and neither counts in the tallies', async () => {
    const w = world();
    const missed: Array<Awaited<ReturnType<typeof pick>>> = [];
    for (let i = 0; i < 3; i++) {
      const p = await pick(w, false);
      await click(w.learner, p.m, button(p.m, 'Skip').custom_id).response();
      missed.push(p);
      await h.clock.advance(60_000);
    }
    expect(new Set(missed.map((p) => p.q.id)).size).toBe(3);

    const page1 = await run(w, w.learner, 'quiz', 'review').reply();
    expect(page1.flags & EPHEMERAL).toBe(EPHEMERAL);
    const newest = missed[2]!;
    const e = embedOf(page1) as ReturnType<typeof embedOf> & { author?: { name: string } };
    expect(e.author?.name).toBe('Review 1 of 3');
    expect(e.description?.startsWith(newest.q.prompt)).toBe(true);
    expect(e.description).toMatch(/Missed in practice <t:\d+:R>$/);
    const pickedLetter = LETTERS[newest.q.options.findIndex((o) => o.id === newest.option.id)];
    const answer = newest.q.options.findIndex((o) => o.correct);
    expect(e.fields?.[0]).toEqual({ name: `You picked ${pickedLetter}`, value: `${newest.option.text}\n${newest.option.why}` });
    expect(e.fields?.[1]).toEqual({ name: `The answer: ${LETTERS[answer]}`, value: `**${LETTERS[answer]}.** ${newest.q.options[answer]!.text}` });
    expect(e.fields?.[2]).toEqual({ name: 'Why', value: newest.q.explanation });
    expect(e.fields?.[3]?.value).toContain(`> ${newest.q.quotes[0]!.slice(0, 60)}`);
    expect(button(page1, '◀').disabled).toBe(true);

    // ▶ pages through the older two, in order, in the same message.
    expect((await click(w.learner, page1, button(page1, '▶').custom_id).response()).type).toBe(7);
    expect(embedOf(d().message(page1.id)!).description?.startsWith(missed[1]!.q.prompt)).toBe(true);
    await click(w.learner, page1, button(page1, '▶').custom_id).response();
    const last = d().message(page1.id)!;
    expect(embedOf(last).description?.startsWith(missed[0]!.q.prompt)).toBe(true);
    expect((embedOf(last) as { author?: { name: string } }).author?.name).toBe('Review 3 of 3');
    expect(button(last, '▶').disabled).toBe(true);

    // Try again on the oldest: asked afresh in a new private message, answered right.
    const retry = await click(w.learner, last, button(last, 'Try again').custom_id).reply();
    expect(retry.id).not.toBe(page1.id);
    expect(retry.ephemeral).toBe(true);
    const rq = questionOf(retry);
    expect(rq.id).toBe(missed[0]!.q.id);
    expect(buttonsOf(retry).every((b) => b.custom_id.startsWith(`review:a:${article().id}:${rq.id}:`))).toBe(true);
    const rightId = buttonsOf(retry).find((b) => rq.options.find((o) => o.correct)!.id === b.custom_id.split(':')[4])!.custom_id;
    expect((await click(w.learner, retry, rightId).response()).type).toBe(7);
    const feedback = d().message(retry.id)!;
    expect(embedOf(feedback).fields?.[0]?.name).toMatch(/^✅ Right: /);
    expect(embedOf(feedback).footer?.text).toBe('Right this time: it leaves your review list.');
    expect((await reviewList(store(), w.guild.id, w.learner.id)).map((r) => r.ref)).toEqual([missed[2]!, missed[1]!].map((p) => itemRef(article().id, p.q.id)));

    // A second click on the same retry changes nothing.
    const again = await rawClick(w, w.learner, retry, rightId).reply();
    expect(again.content).toBe('That question is no longer on your review list: you have answered it right since, or the records were cleared. See `/quiz review`.');

    // A wrong retry of the newest keeps it on the list, and a double click counts once.
    const page = await run(w, w.learner, 'quiz', 'review').reply();
    expect((embedOf(page) as { author?: { name: string } }).author?.name).toBe('Review 1 of 2');
    const retry2 = await click(w.learner, page, button(page, 'Try again').custom_id).reply();
    const rq2 = questionOf(retry2);
    const wrongId = buttonsOf(retry2).find((b) => !rq2.options.find((o) => o.id === b.custom_id.split(':')[4])!.correct)!.custom_id;
    await click(w.learner, retry2, wrongId).response();
    expect(embedOf(d().message(retry2.id)!).footer?.text).toBe('Not this time: it stays on your review list, and comes back in practice tomorrow.');
    expect((await rawClick(w, w.learner, retry2, wrongId).reply()).content).toBe('You have already answered this retry. Use **Try again** in `/quiz review` for another go.');
    const list = await reviewList(store(), w.guild.id, w.learner.id);
    expect(list.map((r) => r.ref)).toEqual([missed[2]!, missed[1]!].map((p) => itemRef(article().id, p.q.id)));
    expect(list[0]!.optionId).toBe(wrongId.split(':')[4]);
    expect(await getTally(store(), w.guild.id, w.learner.id)).toMatchObject({ answered: 3, correct: 0 });

    // "Back to review" opens the list again.
    const back = await click(w.learner, d().message(retry2.id)!, button(retry2, 'Back to review').custom_id).reply();
    expect((embedOf(back) as { author?: { name: string } }).author?.name).toBe('Review 1 of 2');
  });

  it('an empty list says so and what to do next', async () => {
    const w = world();
    const reply = await run(w, w.learner, 'quiz', 'review').reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('Nothing to review: you have no missed questions waiting in this server. Keep going with `/quiz practice`: a question you miss comes back here, and in practice a day later.');
    expect(reply.components).toEqual([]);
  });

  it('an entry whose article is no longer served says so and offers no retry', async () => {
    const w = world();
    await recordLearning(store(), { guildId: w.guild.id, userId: w.learner.id, ref: 'retired-article/q-1', optionId: 'o1', correct: false, source: 'round', at: h.clock.now(), answerKey: 'seed:1' });
    const reply = await run(w, w.learner, 'quiz', 'review').reply();
    expect(embedOf(reply).title).toBe('No longer served');
    expect(embedOf(reply).description).toMatch(/^This question is from an article no longer served here \(`retired-article`\), so it cannot be shown or tried again\./);
    expect(buttonsOf(reply)).toEqual([]);
  });

  it('a round answer reaches the review list at the reveal, not at the click', async () => {
    const w = world();
    await run(w, w.admin, 'quiz', 'start', { questions: 1, seconds: 10 }).reply();
    const m = await d().waitFor(() => d().messages(w.ch).find((x) => !x.ephemeral && buttonsOf(x).some((b) => b.custom_id.startsWith('quiz:a:'))), 5000, 'the question');
    const q = questionOf(m);
    const wrong = (correctIndex(q, m) + 1) % q.options.length;
    await click(w.learner, m, buttonsOf(m)[wrong]!.custom_id).reply();
    expect(await getLearning(store(), w.guild.id, w.learner.id)).toBeUndefined();
    expect((await run(w, w.learner, 'quiz', 'review').reply()).content).toMatch(/^Nothing to review/);
    await h.clock.advance(10_000);
    await d().waitFor(() => (isRevealed(d().message(m.id)) ? true : undefined), 5000, 'the reveal');
    const roundId = buttonsOf(m)[0]!.custom_id.split(':')[2];
    const state = await eventually(() => getLearning(store(), w.guild.id, w.learner.id), 'the learning record');
    expect(state.answerKeys).toEqual([`round:${roundId}:0`]);
    expect(state.review).toEqual([{ ref: itemRef(article().id, q.id), optionId: shownOptions(q, m)[wrong]!.id, at: h.clock.now(), source: 'round' }]);
    const page = await run(w, w.learner, 'quiz', 'review').reply();
    expect(embedOf(page).description).toMatch(/Missed in a round <t:\d+:R>$/);
  });
});

describe('spaced practice', () => {
  it('a missed question is not due 23 hours later, and is asked first, labelled due, after a day', async () => {
    const w = world();
    const first = await run(w, w.learner, 'quiz', 'practice').reply();
    expect((embedOf(first) as { author?: { name: string } }).author?.name).toBe('New question');
    const q = questionOf(first);
    await click(w.learner, first, buttonsOf(first)[(correctIndex(q, first) + 1) % q.options.length]!.custom_id).response();

    await h.clock.advance(23 * 60 * 60 * 1000);
    const early = await run(w, w.learner, 'quiz', 'practice').reply();
    expect(questionOf(early).id).not.toBe(q.id);
    expect((embedOf(early) as { author?: { name: string } }).author?.name).toBe('New question');

    await h.clock.advance(DAY_MS - 23 * 60 * 60 * 1000);
    const due = await run(w, w.learner, 'quiz', 'practice').reply();
    expect(questionOf(due).id).toBe(q.id);
    expect((embedOf(due) as { author?: { name: string } }).author?.name).toBe('Due for review');
    // The label stays with the message through the confidence step and the feedback.
    await click(w.learner, due, buttonsOf(due)[correctIndex(q, due)]!.custom_id).response();
    expect((embedOf(d().message(due.id)!) as { author?: { name: string } }).author?.name).toBe('Due for review');
    await click(w.learner, due, button(due, 'Skip').custom_id).response();
    expect((embedOf(d().message(due.id)!) as { author?: { name: string } }).author?.name).toBe('Due for review');
    // Right when due: up to box 2 (three days), and off the review list.
    const state = await getLearning(store(), w.guild.id, w.learner.id);
    expect(state?.boxes[itemRef(article().id, q.id)]).toEqual({ box: 2, due: h.clock.now() + 3 * DAY_MS });
    expect(state?.review).toEqual([]);
  });

  it('the category filter holds: a due question of another skill is not asked', async () => {
    const w = world();
    const m = await run(w, w.learner, 'quiz', 'practice', { category: 'attribution' }).reply();
    const q = questionOf(m);
    await click(w.learner, m, buttonsOf(m)[(correctIndex(q, m) + 1) % q.options.length]!.custom_id).response();
    await h.clock.advance(DAY_MS);
    const other = await run(w, w.learner, 'quiz', 'practice', { category: 'verification' }).reply();
    expect(questionOf(other).category).toBe('verification');
    expect((embedOf(other) as { author?: { name: string } }).author?.name).toBe('New question');
  });
});

describe('confidence in practice', () => {
  it('asks how sure before the feedback, records the answer at the pick, rates once and refuses a second rating', async () => {
    const w = world();
    const p = await pick(w, false);
    const asking = d().message(p.m.id)!;
    const staleAsking = snap(asking);
    const guessing = button(asking, 'Guessing').custom_id;
    expect(embedOf(asking).fields).toEqual([{ name: `You chose ${p.letter}`, value: 'How sure were you? Then you see the answer.' }]);
    // Nothing says yet whether the pick is right.
    expect(JSON.stringify(asking.embeds)).not.toMatch(/✅|❌|the answer is/);
    expect(buttonsOf(asking).filter((b) => b.custom_id.startsWith('conf:')).map((b) => b.label)).toEqual(['Guessing', 'Fairly sure', 'Certain', 'Skip']);
    // The answer is counted at the pick, whatever happens next.
    expect(await getTally(store(), w.guild.id, w.learner.id)).toMatchObject({ answered: 1, correct: 0 });
    const before = await getLearning(store(), w.guild.id, w.learner.id);
    expect(before?.answerKeys).toEqual([`practice:${p.m.id}`]);
    expect(before?.review.map((r) => r.ref)).toEqual([itemRef(article().id, p.q.id)]);

    const certain = button(asking, 'Certain').custom_id;
    expect((await click(w.learner, p.m, certain).response()).type).toBe(7);
    const feedback = d().message(p.m.id)!;
    expect(embedOf(feedback).fields?.[0]?.name).toMatch(/^❌ You chose /);
    expect(embedOf(feedback).footer?.text).toBe('You said: Certain.');
    const after = await getLearning(store(), w.guild.id, w.learner.id);
    expect(after?.ratings).toEqual([{ answerKey: `practice:${p.m.id}`, ref: itemRef(article().id, p.q.id), level: 'certain', correct: false, at: h.clock.now() }]);

    // A second rating from a screen still asking is refused; nothing counts twice.
    const second = await rawClick(w, w.learner, staleAsking, guessing).reply();
    expect(second.ephemeral).toBe(true);
    expect(second.content).toBe('You already said how sure you were.');
    expect((await getLearning(store(), w.guild.id, w.learner.id))?.ratings).toHaveLength(1);
    expect(await getTally(store(), w.guild.id, w.learner.id)).toMatchObject({ answered: 1, correct: 0 });
  });

  it('Skip shows the feedback without a rating', async () => {
    const w = world();
    const p = await pick(w, true);
    await click(w.learner, p.m, button(p.m, 'Skip').custom_id).response();
    const feedback = d().message(p.m.id)!;
    expect(embedOf(feedback).fields?.[0]?.name).toBe(`✅ Right: ${p.letter}`);
    expect(embedOf(feedback).footer).toBeUndefined();
    expect(buttonsOf(feedback).some((b) => b.label === 'Next question')).toBe(true);
    expect((await getLearning(store(), w.guild.id, w.learner.id))?.ratings).toEqual([]);
  });

  it('a forged or someone else’s confidence id is refused privately and rates nothing', async () => {
    const w = world();
    const open = await run(w, w.learner, 'quiz', 'practice').reply();
    const q = questionOf(open);
    // A confidence id on a question not answered yet: not a button of that message.
    const forged = `conf:p:c:${article().id}:${q.id}:${q.options[0]!.id}:a`;
    expect((await rawClick(w, w.learner, open, forged).reply()).content).toBe('This button is no longer active.');
    // Someone else sending the learner's confidence button: their own records do not hold that answer.
    const p = await pick(w, true);
    const theirs = await rawClick(w, w.other, d().message(p.m.id)!, button(p.m, 'Certain').custom_id).reply();
    expect(theirs.content).toBe('That answer is no longer on record, so there is nothing to rate. Start again with `/quiz practice`.');
    expect(await getLearning(store(), w.guild.id, w.other.id)).toBeUndefined();
    expect((await rawClick(w, w.learner, open, 'conf:p:x:art:q:o:a').reply()).content).toBe('This button is no longer active.');
    expect((await getLearning(store(), w.guild.id, w.learner.id))?.ratings).toEqual([]);
  });
});

describe('confidence in rounds', () => {
  async function roundQuestion(w: World) {
    await run(w, w.admin, 'quiz', 'start', { questions: 1, seconds: 10 }).reply();
    return d().waitFor(() => d().messages(w.ch).find((x) => !x.ephemeral && buttonsOf(x).some((b) => b.custom_id.startsWith('quiz:a:') && b.disabled !== true)), 5000, 'the question');
  }

  it('off by default; once a moderator turns it on, “Locked in” asks, stores the rating without saying if the pick is right, and refuses a second', async () => {
    const w = world();
    const off = await roundQuestion(w);
    const plain = await click(w.learner, off, buttonsOf(off)[0]!.custom_id).reply();
    expect(plain.content).toBe('Locked in: A');
    expect(plain.components).toEqual([]);
    await h.clock.advance(10_000);
    await d().waitFor(() => (isRevealed(d().message(off.id)) ? true : undefined), 5000, 'the reveal');

    const refused = await d().runCommand({ user: w.learner, channelId: w.ch, name: 'quiz-admin', subcommand: 'settings', options: { confidence: 'on' }, skipPermissionCheck: true }).reply();
    expect(refused.content).toBe('Only people who can manage this server can do that.');
    const shown = await run(w, w.admin, 'quiz-admin', 'settings').reply();
    expect(shown.content).toMatch(/^Quiz settings: confidence in rounds is \*\*off\*\*\./);
    const saved = await run(w, w.admin, 'quiz-admin', 'settings', { confidence: 'on' }).reply();
    expect(saved.ephemeral).toBe(true);
    expect(saved.content).toMatch(/^Saved: confidence in rounds is \*\*on\*\*\./);

    const m = await roundQuestion(w);
    const q = questionOf(m);
    const wrong = (correctIndex(q, m) + 1) % q.options.length;
    const locked = await click(w.learner, m, buttonsOf(m)[wrong]!.custom_id).reply();
    expect(locked.content).toBe(`Locked in: ${LETTERS[wrong]}. How sure are you?`);
    expect(buttonsOf(locked).map((b) => b.label)).toEqual(['Guessing', 'Fairly sure', 'Certain']);
    const roundId = buttonsOf(m)[0]!.custom_id.split(':')[2]!;
    expect(button(locked, 'Certain').custom_id).toBe(`conf:r:c:${roundId}:0`);

    const staleLocked = snap(locked);
    expect((await click(w.learner, locked, button(locked, 'Certain').custom_id).response()).type).toBe(7);
    const rated = d().message(locked.id)!;
    expect(rated.content).toBe(`Locked in: ${LETTERS[wrong]} · you said: Certain. The answer is revealed when time is up.`);
    expect(rated.components).toEqual([]);
    const state = await getLearning(store(), w.guild.id, w.learner.id);
    expect(state?.ratings.at(-1)).toEqual({ answerKey: `round:${roundId}:0`, ref: itemRef(article().id, q.id), level: 'certain', correct: false, at: h.clock.now() });
    // Rated, but the answer itself waits for the reveal.
    expect(state?.answerKeys).not.toContain(`round:${roundId}:0`);
    expect((await rawClick(w, w.learner, staleLocked, `conf:r:g:${roundId}:0`).reply()).content).toBe('You already said how sure you were.');
    // Someone who did not answer cannot rate.
    expect((await rawClick(w, w.other, staleLocked, `conf:r:g:${roundId}:0`).reply()).content).toBe('You have not answered this question, so there is nothing to rate.');

    await h.clock.advance(10_000);
    await d().waitFor(() => (isRevealed(d().message(m.id)) ? true : undefined), 5000, 'the reveal');
    const done = await eventually(async () => {
      const s = await getLearning(store(), w.guild.id, w.learner.id);
      return s?.answerKeys.includes(`round:${roundId}:0`) ? s : undefined;
    }, 'the answer at the reveal');
    expect(done.ratings.filter((r) => r.answerKey === `round:${roundId}:0`)).toHaveLength(1);
    expect((await rawClick(w, w.learner, staleLocked, `conf:r:f:${roundId}:0`).reply()).content).toBe('This round is over, so it is too late to say how sure you were.');

    await run(w, w.admin, 'quiz-admin', 'settings', { confidence: 'off' }).reply();
    expect((await rawClick(w, w.learner, staleLocked, `conf:r:f:${roundId}:0`).reply()).content).toBe('Saying how sure you were is turned off for rounds in this server.');
  });
});

describe('export and reset', () => {
  it('the export adds each person’s calibration and due reviews after the existing columns', async () => {
    const w = world();
    const at = h.clock.now();
    await recordAnswer(h.tb.bot.services, { guildId: w.guild.id, userId: w.learner.id, userName: 'learner', category: 'attribution', article: article().id, correct: true, at });
    await recordAnswer(h.tb.bot.services, { guildId: w.guild.id, userId: w.other.id, userName: 'other', category: 'attribution', article: article().id, correct: true, at });
    // Ten answers rated certain, five right: over-confident by 0.5. Two missed two days ago: due now.
    for (let i = 0; i < 10; i++) {
      await rateConfidence(store(), { guildId: w.guild.id, userId: w.learner.id, answerKey: `k${i}`, ref: `a/q${i}`, level: 'certain', correct: i < 5, at });
    }
    for (const ref of ['a/m1', 'a/m2'] as const) {
      await recordLearning(store(), { guildId: w.guild.id, userId: w.learner.id, ref, optionId: 'o', correct: false, source: 'practice', at: at - 2 * DAY_MS, answerKey: ref });
    }
    const reply = await run(w, w.admin, 'quiz-admin', 'export').reply();
    const lines = reply.attachments[0]!.data.toString('utf8').slice(1).trim().split('\r\n').map((l) => l.split(','));
    const header = lines[0]!;
    expect(header.slice(-2)).toEqual(['calibration', 'due_reviews']);
    const row = (id: string) => lines.find((l) => l[0] === id)!;
    expect(row(w.learner.id).slice(-2)).toEqual(['0.5', '2']);
    expect(row(w.other.id).slice(-2)).toEqual(['', '0']);
  });

  it('after /quiz-admin reset a stale Try again or retry answer is refused privately and counts nothing', async () => {
    const w = world();
    const p = await pick(w, false);
    await click(w.learner, p.m, button(p.m, 'Skip').custom_id).response();
    const page = await run(w, w.learner, 'quiz', 'review').reply();
    const retry = await click(w.learner, page, button(page, 'Try again').custom_id).reply();

    const ask = await run(w, w.admin, 'quiz-admin', 'reset').reply();
    expect(ask.content).toContain('everyone’s review lists, practice progress and confidence ratings');
    await click(w.admin, ask, button(ask, 'Clear all tallies').custom_id).response();
    expect(await getLearning(store(), w.guild.id, w.learner.id)).toBeUndefined();

    const stale = await click(w.learner, page, button(page, 'Try again').custom_id).reply();
    expect(stale.ephemeral).toBe(true);
    expect(stale.content).toBe('That question is no longer on your review list: you have answered it right since, or the records were cleared. See `/quiz review`.');
    const answer = await click(w.learner, retry, buttonsOf(retry)[0]!.custom_id).reply();
    expect(answer.content).toBe(stale.content);
    expect(await getLearning(store(), w.guild.id, w.learner.id)).toBeUndefined();
    expect(await getTally(store(), w.guild.id, w.learner.id)).toBeUndefined();
  });

  it('review buttons forged by someone else are refused and change nothing', async () => {
    const w = world();
    const p = await pick(w, false);
    await click(w.learner, p.m, button(p.m, 'Skip').custom_id).response();
    const page = await run(w, w.learner, 'quiz', 'review').reply();
    const before = await getLearning(store(), w.guild.id, w.learner.id);
    const notYours = 'These buttons belong to someone else’s review list. Use `/quiz review` to see yours.';
    expect((await rawClick(w, w.other, page, button(page, 'Try again').custom_id).reply()).content).toBe(notYours);
    expect((await rawClick(w, w.other, page, `review:p:${w.learner.id}:0`).reply()).content).toBe(notYours);
    // A retry answer names no owner: it must be a button of the message clicked, and the question on the clicker's own list.
    const rightOption = p.q.options.find((o) => o.correct)!.id;
    expect((await rawClick(w, w.other, page, `review:a:${article().id}:${p.q.id}:${rightOption}`).reply()).content).toBe('This button is no longer active.');
    expect((await rawClick(w, w.other, page, 'review:p:12:0').reply()).content).toBe('This button is no longer active.');
    expect(await getLearning(store(), w.guild.id, w.learner.id)).toEqual(before);
    expect(await getLearning(store(), w.guild.id, w.other.id)).toBeUndefined();
  });
});
