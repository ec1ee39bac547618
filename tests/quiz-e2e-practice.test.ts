/**
 * /quiz practice, /quiz score and /quiz leaderboard through the real bot and the local Discord.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Question } from '../src/content/schema.js';
import { getTally, recordAnswer } from '../src/quiz/tallies.js';
import { EPHEMERAL, embedOf, buttonsOf, correctIndex, questionOf as questionIn, shownOptions } from './support/messages.js';
import { startTestBot, type TestBot } from './support/bot.js';
import type { MessageRecord, UserRecord } from '../tools/local-discord/index.js';
import { messageJson } from '../tools/local-discord/payloads.js';

const LETTERS = ['A', 'B', 'C', 'D', 'E'];

let bot: TestBot;
beforeAll(async () => {
  bot = await startTestBot();
});
afterAll(() => bot.stop());

const d = () => bot.discord;
const store = () => bot.bot.services.store;
const channel = () => d().channels.general.id;

const questionOf = (m: MessageRecord): Question => questionIn(bot.bot.services.shelf.current.first, m);

const practice = (user: UserRecord, category?: Category) =>
  d().runCommand({ user, channelId: channel(), name: 'quiz', subcommand: 'practice', ...(category ? { options: { category } } : {}) });
const clickOn = (user: UserRecord, m: MessageRecord, customId: string) => d().clickButton({ user, messageId: m.id, customId });
const letterButton = (m: MessageRecord, option: number) => buttonsOf(m).find((b) => b.custom_id.startsWith('practice:q:') && b.label === LETTERS[option])!;
/** After the pick, the message asks how sure you were; Skip shows the feedback. */
const skip = (user: UserRecord, m: MessageRecord) => clickOn(user, d().message(m.id)!, buttonsOf(d().message(m.id)!).find((b) => b.label === 'Skip')!.custom_id).response();

/** One practice question in `category`, answered right or wrong. */
async function practiseOnce(user: UserRecord, category: Category, right: boolean): Promise<void> {
  const m = await practice(user, category).reply();
  const c = correctIndex(questionOf(m), m);
  await clickOn(user, m, letterButton(m, right ? c : (c + 1) % 4).custom_id).response();
  await skip(user, m);
}

describe('/quiz practice', () => {
  it('shows a question only to the asker, with a button per option', async () => {
    const user = d().addUser({ username: 'prac-show' });
    const m = await practice(user).reply();
    expect(m.ephemeral).toBe(true);
    expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
    const q = questionOf(m);
    expect(embedOf(m).title).toMatch(/^Practice · /);
    expect(embedOf(m).footer?.text).toBe('Only you can see this. It counts in your tallies.');
    expect(buttonsOf(m).map((b) => b.label)).toEqual(q.options.map((_, i) => LETTERS[i]));
    expect(buttonsOf(m).every((b) => b.custom_id.startsWith(`practice:q:global-health-passport:${q.id}:`) && b.disabled !== true)).toBe(true);
    expect(d().messages(channel(), { ephemeral: false }).filter((x) => x.interaction?.user_id === user.id)).toEqual([]);
  });

  it('answering updates the message with the verdict, the explanation, the cited sentence and a Next button, and counts in the tallies', async () => {
    const user = d().addUser({ username: 'prac-answer' });
    const m = await practice(user).reply();
    const q = questionOf(m);
    const right = correctIndex(q, m);
    const wrong = (right + 1) % q.options.length;
    const shown = shownOptions(q, m);
    const letterIds = buttonsOf(m).map((b) => b.custom_id);
    const handle = clickOn(user, m, letterButton(m, wrong).custom_id);
    const response = await handle.response();
    expect(response.type).toBe(7); // the practice message itself is updated
    await skip(user, m);
    const updated = d().message(m.id)!;
    expect(updated.ephemeral).toBe(true);
    const fields = embedOf(updated).fields ?? [];
    expect(fields[0]).toEqual({ name: `❌ You chose ${LETTERS[wrong]}; the answer is ${LETTERS[right]}`, value: `**${LETTERS[right]}.** ${shown[right]!.text}` });
    // The feedback of the option picked, then why the answer is right.
    expect(fields[1]).toEqual({ name: `Why not ${LETTERS[wrong]}`, value: shown[wrong]!.why });
    expect(fields.find((f) => f.name === `Why ${LETTERS[right]}`)?.value).toBe(q.explanation);
    // The feedback keeps the order the question showed.
    expect(buttonsOf(d().message(m.id)!).filter((b) => b.custom_id.startsWith('practice:q:')).map((b) => b.custom_id)).toEqual(letterIds);
    const citation = fields.find((f) => f.name === 'From the article')?.value ?? '';
    expect(citation).toContain(`> ${q.quotes[0]!.slice(0, 80)}`);
    expect(citation).toMatch(new RegExp(`— ¶(${q.cites.join('|')})`));
    const buttons = buttonsOf(updated);
    expect(buttons.filter((b) => b.custom_id.startsWith('practice:q:')).every((b) => b.disabled === true)).toBe(true);
    expect(buttons.find((b) => b.label === 'Next question')?.custom_id).toBe('practice:m:global-health-passport:a');
    expect(await getTally(store(), d().guild.id, user.id)).toMatchObject({ answered: 1, correct: 0, byCategory: { [q.category]: { answered: 1, correct: 0 } } });
  });

  it('a right answer says so', async () => {
    const user = d().addUser({ username: 'prac-right' });
    const m = await practice(user).reply();
    const right = correctIndex(questionOf(m), m);
    await clickOn(user, m, letterButton(m, right).custom_id).response();
    await skip(user, m);
    expect(embedOf(d().message(m.id)!).fields?.[0]?.name).toBe(`✅ Right: ${LETTERS[right]}`);
    expect(await getTally(store(), d().guild.id, user.id)).toMatchObject({ answered: 1, correct: 1, streak: 1 });
  });

  it('two clicks on the same practice question count once; the second is refused privately', async () => {
    const user = d().addUser({ username: 'prac-double' });
    const m = await practice(user).reply();
    const right = correctIndex(questionOf(m), m);
    // Both clicks leave before the message is updated (as when someone double-clicks).
    const first = clickOn(user, m, letterButton(m, right).custom_id);
    const second = clickOn(user, m, letterButton(m, (right + 1) % 4).custom_id);
    expect((await first.response()).type).toBe(7);
    const refused = await second.reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('You have already answered this question. Click **Next question** for another.');
    expect(await getTally(store(), d().guild.id, user.id)).toMatchObject({ answered: 1, correct: 1 });
    await skip(user, m);
    expect(embedOf(d().message(m.id)!).fields?.[0]?.name).toBe(`✅ Right: ${LETTERS[right]}`);
  });

  it('a later click from a client still showing the unanswered question does not count again', async () => {
    const user = d().addUser({ username: 'prac-stale' });
    const m = await practice(user).reply();
    const stale = messageJson(d().state, m);
    const right = correctIndex(questionOf(m), m);
    await clickOn(user, m, letterButton(m, right).custom_id).response();
    const before = await getTally(store(), d().guild.id, user.id);
    const base = d().commandPayload({ user, channelId: channel(), name: 'quiz', subcommand: 'score' });
    const again = d().dispatchRaw({ t: 'INTERACTION_CREATE', d: { ...base, type: 3, data: { custom_id: letterButton(m, 0).custom_id, component_type: 2 }, message: stale } });
    expect((await again.reply()).content).toBe('You have already answered this question. Click **Next question** for another.');
    expect(await getTally(store(), d().guild.id, user.id)).toEqual(before);
    expect(before).toMatchObject({ answered: 1, correct: 1 });
  });

  it('Next question shows another question, again only to the clicker', async () => {
    const user = d().addUser({ username: 'prac-next' });
    const m = await practice(user).reply();
    const first = questionOf(m);
    await clickOn(user, m, letterButton(m, 0).custom_id).response();
    await skip(user, m);
    const next = await clickOn(user, d().message(m.id)!, 'practice:m:global-health-passport:a').reply();
    expect(next.id).not.toBe(m.id);
    expect(next.ephemeral).toBe(true);
    const second = questionOf(next);
    expect(second.id).not.toBe(first.id);
    expect(buttonsOf(next).every((b) => b.disabled !== true)).toBe(true);
  });

  it('category:verification gives only verification questions, and Next stays in that category', async () => {
    const user = d().addUser({ username: 'prac-cat' });
    let m = await practice(user, 'verification').reply();
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const q = questionOf(m);
      expect(q.category).toBe('verification');
      expect(embedOf(m).title).toContain('Verification moves');
      seen.add(q.id);
      await clickOn(user, m, letterButton(m, 0).custom_id).response();
      await skip(user, m);
      const updated = d().message(m.id)!;
      const next = buttonsOf(updated).find((b) => b.label === 'Next question')!;
      expect(next.custom_id).toBe('practice:m:global-health-passport:5');
      m = await clickOn(user, updated, next.custom_id).reply();
    }
    expect(seen.size).toBe(4); // unseen questions come first
    expect(await getTally(store(), d().guild.id, user.id)).toMatchObject({ answered: 4, byCategory: { verification: { answered: 4 } } });
  });
});

describe('/quiz score', () => {
  const score = (user: UserRecord, of?: UserRecord) =>
    d().runCommand({ user, channelId: channel(), name: 'quiz', subcommand: 'score', ...(of ? { options: { user: { id: of.id } } } : {}) });

  it('shows your own record privately: total, each skill, streaks and the weakest skill with a suggestion', async () => {
    const user = d().addUser({ username: 'scorer' });
    // In this order: ✓ ✓ ✗ (attribution), ✓ (source chain), ✗ (verification), ✓ (source chain).
    await practiseOnce(user, 'attribution', true);
    await practiseOnce(user, 'attribution', true);
    await practiseOnce(user, 'attribution', false);
    await practiseOnce(user, 'source-chain', true);
    await practiseOnce(user, 'verification', false);
    await practiseOnce(user, 'source-chain', true);
    const reply = await score(user).reply();
    expect(reply.ephemeral).toBe(true);
    expect(embedOf(reply).title).toBe('Quiz record: scorer');
    expect(embedOf(reply).description).toBe(
      [
        '4/6 correct (66%)',
        '',
        'Source chain: 2/2 (100%)',
        'Attribution: 2/3 (66%)',
        'Quote integrity: not tried yet',
        'Missing context: not tried yet',
        'Loaded language and framing: not tried yet',
        'Verification moves: 0/1 (0%)',
        '',
        'Current streak: 1 (best 2)',
        'Weakest: Verification moves (0/1, 0%). Try `/quiz practice category:verification`.',
        '',
        'By article:',
        'Article under discussion: a proposed global health passport: 4/6 (66%)',
        '',
        // A missed question comes back for review a day later, so nothing is due yet.
        'Due for review: none right now.',
      ].join('\n'),
    );
  });

  it('user: shows someone else’s record, still only to the asker', async () => {
    const other = d().addUser({ username: 'scored-other' });
    await practiseOnce(other, 'missing-context', true);
    const reply = await score(d().member2, other).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.interaction?.user_id).toBe(d().member2.id);
    expect(embedOf(reply).title).toBe('Quiz record: scored-other');
    expect(embedOf(reply).description).toMatch(/^1\/1 correct \(100%\)\n/);
    expect(embedOf(reply).description).toContain('Missing context: 1/1 (100%)');
    expect(embedOf(reply).description).toContain('Weakest: Source chain (not tried yet). Try `/quiz practice category:source-chain`.');
  });

  it('says so when there are no answers yet, for yourself or someone else', async () => {
    const fresh = d().addUser({ username: 'no-answers' });
    const own = await score(fresh).reply();
    expect(own.ephemeral).toBe(true);
    expect(embedOf(own).description).toBe('You have not answered any quiz questions in this server yet.');
    const theirs = await score(d().member2, fresh).reply();
    expect(embedOf(theirs).description).toBe(`<@${fresh.id}> has not answered any quiz questions in this server yet.`);
    expect(theirs.pinged.users).toEqual([]);
  });
});

describe('/quiz leaderboard', () => {
  it('lists the top 10 by correct answers, ties by accuracy, and shows a caller further down their own rank', async () => {
    // A server of its own, so other tests' answers do not enter the board.
    const guild = d().addGuild({ name: 'leaderboard-guild', channels: ['board'] });
    const ch = d().channel('board', guild.id).id;
    const at = Date.now();
    // [name, correct, answered], seeded worst-first so key order is not the ranking.
    const seeds: Array<[string, number, number]> = [
      ['lbcaller', 1, 5],
      ['lb12', 2, 2],
      ['lb11', 3, 9],
      ['lb10', 4, 8],
      ['lb9', 5, 9],
      ['lb8', 5, 5],
      ['lb7', 6, 10],
      ['lb6', 7, 7],
      ['lb5', 8, 12],
      ['lb4', 8, 10],
      ['lb3', 8, 8],
      ['lb2', 9, 20],
      ['lb1', 12, 15],
    ];
    const users = new Map<string, UserRecord>();
    for (const [name, correct, answered] of seeds) {
      const user = d().addUser({ username: name, guildIds: [guild.id] });
      users.set(name, user);
      for (let i = 0; i < answered; i++) {
        await recordAnswer(bot.bot.services, { guildId: guild.id, userId: user.id, userName: name, category: 'attribution', article: 'global-health-passport', correct: i < correct, at: at + i });
      }
    }
    const reply = await d().runCommand({ user: users.get('lbcaller')!, channelId: ch, name: 'quiz', subcommand: 'leaderboard' }).reply();
    expect(reply.ephemeral).toBe(false);
    expect(embedOf(reply).title).toBe('Leaderboard: correct answers');
    expect(embedOf(reply).description).toBe(
      [
        '1. lb1: 12/15 correct (80%)',
        '2. lb2: 9/20 correct (45%)',
        '3. lb3: 8/8 correct (100%)',
        '4. lb4: 8/10 correct (80%)',
        '5. lb5: 8/12 correct (66%)',
        '6. lb6: 7/7 correct (100%)',
        '7. lb7: 6/10 correct (60%)',
        '8. lb8: 5/5 correct (100%)',
        '9. lb9: 5/9 correct (55%)',
        '10. lb10: 4/8 correct (50%)',
        '…',
        '13. lbcaller: 1/5 correct (20%)',
      ].join('\n'),
    );
    expect(embedOf(reply).footer?.text).toMatch(/^13 people have answered/);
    expect(reply.pinged).toEqual({ users: [], roles: [], everyone: false });

    // Someone inside the top 10 sees no extra line.
    const inside = await d().runCommand({ user: users.get('lb4')!, channelId: ch, name: 'quiz', subcommand: 'leaderboard' }).reply();
    expect(embedOf(inside).description).not.toContain('…');
  });

  it('after a restart the standings are read in the background, so the first leaderboard finds them ready and agrees with storage', async () => {
    const guild = d().addGuild({ name: 'warm-guild', channels: ['warm'] });
    for (let i = 0; i < 30; i++) {
      await recordAnswer(bot.bot.services, { guildId: guild.id, userId: `7000000000000000${String(i).padStart(2, '0')}`, userName: `warm${i}`, category: 'attribution', article: 'global-health-passport', correct: i % 3 !== 0, at: 1_000 + i });
    }
    const before = bot.logs().length;
    await bot.restart();
    const warmed = await d().waitFor(() => bot.logs().slice(before).find((l) => l['msg'] === 'standings warmed' && Number(l['guilds']) >= 1), 5000, 'the standings warm-up');
    expect(warmed).toBeDefined();
    const reply = await d().runCommand({ user: d().member, channelId: d().channel('warm', guild.id).id, name: 'quiz', subcommand: 'leaderboard' }).reply();
    expect(embedOf(reply).footer?.text).toMatch(/^30 people have answered/);
    expect(embedOf(reply).description?.split('\n')[0]).toMatch(/^1\. warm\d+: 1\/1 correct \(100%\)$/);
  });

  it('says so when no one has answered in the server', async () => {
    const guild = d().addGuild({ name: 'empty-guild', channels: ['quiet'] });
    const reply = await d().runCommand({ user: d().member, channelId: d().channel('quiet', guild.id).id, name: 'quiz', subcommand: 'leaderboard' }).reply();
    expect(embedOf(reply).description).toBe('No one has answered a quiz question here yet.');
  });
});
