/**
 * /quiz forget-me and /quiz-admin forget through the real bot and the local Discord:
 * the confirmation, what is removed (and what is not), the leaderboard afterwards,
 * a round still running, and every way a confirmation button can be misused.
 * Each test works in servers of its own.
 */
import { describe, expect, it } from 'vitest';
import { findPick, roundsPickedBy } from '../src/quiz/picks.js';
import { practiceHistoryKey } from '../src/quiz/practice.js';
import { getTally, recordAnswer } from '../src/quiz/tallies.js';
import { LocalDiscordError, type GuildRecord, type MessageRecord, type UserRecord } from '../tools/local-discord/index.js';
import { messageJson } from '../tools/local-discord/payloads.js';
import { useCleanBot } from './support/bot.js';
import { buttonsOf, embedOf, isRevealed, type Button } from './support/messages.js';

const held = useCleanBot();
const d = () => held.tb.discord;
const services = () => held.tb.bot.services;

interface World {
  guild: GuildRecord;
  channelId: string;
  alice: UserRecord;
  bob: UserRecord;
  admin: UserRecord;
  /** Another server alice is in too. */
  other: GuildRecord;
  otherChannelId: string;
}

let worlds = 0;
function world(): World {
  const n = ++worlds;
  const guild = d().addGuild({ name: `class-${n}`, channels: ['class'], members: [] });
  const other = d().addGuild({ name: `club-${n}`, channels: ['club'], members: [] });
  const alice = d().addUser({ username: `alice${n}`, guildIds: [guild.id, other.id] });
  const bob = d().addUser({ username: `bob${n}`, guildIds: [guild.id] });
  const admin = d().addUser({ username: `teacher${n}`, guildIds: [guild.id], permissions: ['ManageGuild'] });
  return { guild, channelId: d().channel('class', guild.id).id, alice, bob, admin, other, otherChannelId: d().channel('club', other.id).id };
}

/** One private practice question, answered (by its first letter). */
async function practise(user: UserRecord, channelId: string): Promise<void> {
  const m = await d().runCommand({ user, channelId, name: 'quiz', subcommand: 'practice' }).reply();
  const first = buttonsOf(m).find((b) => b.custom_id.startsWith('practice:q:'))!;
  expect((await d().clickButton({ user, messageId: m.id, customId: first.custom_id }).response()).type).toBe(7);
}

const isQuestion = (m: MessageRecord) => !m.ephemeral && buttonsOf(m).some((b) => b.custom_id.startsWith('quiz:a:'));
/** The summary posted after a round's question message. */
const summaryAfter = (channelId: string, question: MessageRecord) =>
  d().waitForMessage(channelId, (m) => embedOf(m).title === 'Round over: scores' && BigInt(m.id) > BigInt(question.id));

/** Starts a one-question round and has each clicker pick an option; resolves with the question message. */
async function openRound(w: World, clickers: UserRecord[]): Promise<MessageRecord> {
  const before = new Set(d().messages(w.channelId).map((m) => m.id));
  await d().runCommand({ user: w.bob, channelId: w.channelId, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 10 } }).reply();
  const question = await d().waitForMessage(w.channelId, (m) => isQuestion(m) && !before.has(m.id));
  for (const [i, user] of clickers.entries()) {
    const reply = await d().clickButton({ user, messageId: question.id, customId: buttonsOf(question)[i % 4]!.custom_id }).reply();
    expect(reply.content).toMatch(/^Locked in/);
  }
  return question;
}

/** A round played to its end, so its picks are kept. */
async function playRound(w: World, clickers: UserRecord[]): Promise<MessageRecord> {
  const question = await openRound(w, clickers);
  await held.clock.advance(10_000);
  await d().waitFor(() => isRevealed(d().message(question.id)), 5000, 'the reveal');
  await summaryAfter(w.channelId, question);
  return question;
}

const forgetMe = (user: UserRecord, channelId: string) => d().runCommand({ user, channelId, name: 'quiz', subcommand: 'forget-me' }).reply();
const adminForget = (w: World, userId: string, user = w.admin) => d().runCommand({ user, channelId: w.channelId, name: 'quiz-admin', subcommand: 'forget', options: { user: userId } }).reply();
const confirmOf = (m: MessageRecord): Button => buttonsOf(m)[0]!;
const cancelOf = (m: MessageRecord): Button => buttonsOf(m)[1]!;
const click = (user: UserRecord, m: MessageRecord, customId: string) => d().clickButton({ user, messageId: m.id, customId });

/** A click that Discord's client would not send (someone else's private message, an old copy, a made-up id), sent anyway. */
function forgedClick(user: UserRecord, channelId: string, message: MessageRecord | ReturnType<typeof messageJson>, customId: string) {
  const base = d().commandPayload({ user, channelId, name: 'quiz', subcommand: 'score' });
  const json = 'edits' in message ? messageJson(d().state, message) : message;
  return d().dispatchRaw({ t: 'INTERACTION_CREATE', d: { ...base, type: 3, data: { custom_id: customId, component_type: 2 }, message: json } }).reply();
}

/** Everything stored about a user in a guild, as forget would see it. */
async function recordsOf(guildId: string, userId: string) {
  const { store } = services();
  return {
    answered: (await getTally(store, guildId, userId))?.answered,
    practiceHistory: (await store.get<string[]>(practiceHistoryKey(guildId, userId)))?.length,
    pickRounds: (await roundsPickedBy(store, guildId, userId)).length,
  };
}

async function leaderboard(user: UserRecord, channelId: string) {
  const embed = embedOf(await d().runCommand({ user, channelId, name: 'quiz', subcommand: 'leaderboard' }).reply());
  return { lines: embed.description ?? '', footer: embed.footer?.text ?? '' };
}

describe('/quiz forget-me', () => {
  it('asks first, privately, saying what it would remove, and removes nothing until confirmed', async () => {
    const w = world();
    await practise(w.alice, w.channelId);
    await playRound(w, [w.alice, w.bob]);
    const ask = await forgetMe(w.alice, w.channelId);
    expect(ask.ephemeral).toBe(true);
    expect(ask.content).toMatch(/^This removes your quiz records in this server: 1 tally \(2 answers\), 1 practice history, 1 learning record \(review list, practice boxes and confidence ratings\) and picks in 1 round\. It cannot be undone\. Confirm <t:\d+:R>\.$/);
    expect(buttonsOf(ask).map((b) => b.label)).toEqual(['Remove my records', 'Cancel']);
    expect(await recordsOf(w.guild.id, w.alice.id)).toEqual({ answered: 2, practiceHistory: 1, pickRounds: 1 });
  });

  it('removes the caller’s tally, practice history and round picks in this server, nothing of anyone else or of other servers, and the leaderboard drops them', async () => {
    const w = world();
    for (const user of [w.alice, w.alice, w.bob]) await practise(user, w.channelId);
    await practise(w.alice, w.otherChannelId);
    const first = await playRound(w, [w.alice, w.bob]);
    await playRound(w, [w.bob, w.alice]);
    await playRound(w, [w.bob]);
    const board = await leaderboard(w.bob, w.channelId);
    expect(board.lines).toContain(w.alice.username);
    expect(board.footer).toMatch(/^2 people have answered/);
    const bobBefore = await recordsOf(w.guild.id, w.bob.id);
    const elsewhereBefore = await recordsOf(w.other.id, w.alice.id);
    expect(bobBefore).toEqual({ answered: 4, practiceHistory: 1, pickRounds: 3 });
    expect(elsewhereBefore).toEqual({ answered: 1, practiceHistory: 1, pickRounds: 0 });

    const ask = await forgetMe(w.alice, w.channelId);
    const response = await click(w.alice, ask, confirmOf(ask).custom_id).response();
    expect(response.type).toBe(7);
    const done = d().message(ask.id)!;
    expect(done.content).toBe('Removed 1 tally (4 answers), 1 practice history, 1 learning record (review list, practice boxes and confidence ratings) and picks in 2 rounds.');
    expect(done.components).toEqual([]);

    expect(await recordsOf(w.guild.id, w.alice.id)).toEqual({ answered: undefined, practiceHistory: undefined, pickRounds: 0 });
    expect(await recordsOf(w.guild.id, w.bob.id)).toEqual(bobBefore);
    expect(await recordsOf(w.other.id, w.alice.id)).toEqual(elsewhereBefore);
    // Bob's pick in the round they shared is still there for his "Why not mine?".
    expect((await findPick(services().store, w.guild.id, /^quiz:[aw]:([^:]+):/.exec(buttonsOf(first)[0]!.custom_id)![1]!, 0, w.bob.id)).kind).toBe('picked');

    const after = await leaderboard(w.bob, w.channelId);
    expect(after.lines).not.toContain(w.alice.username);
    expect(after.lines).toMatch(new RegExp(`^1\\. ${w.bob.username}: `));
    expect(after.footer).toMatch(/^1 person has answered/);
    const score = embedOf(await d().runCommand({ user: w.alice, channelId: w.channelId, name: 'quiz', subcommand: 'score' }).reply());
    expect(score.description).toBe('You have not answered any quiz questions in this server yet.');
    expect(held.tb.logs().some((l) => l['msg'] === 'quiz records removed' && l['answers'] === 4 && l['pickRounds'] === 2 && l['self'] === true)).toBe(true);
  });

  it('answers in a round still running drop out of its reveal, its summary and its kept picks', async () => {
    const w = world();
    const question = await openRound(w, [w.alice, w.bob]);
    const ask = await forgetMe(w.alice, w.channelId);
    expect(ask.content).toMatch(/^This removes your quiz records in this server: 1 tally \(1 answer\) and picks in 1 round\./);
    await click(w.alice, ask, confirmOf(ask).custom_id).response();
    expect(d().message(ask.id)!.content).toBe('Removed 1 tally (1 answer) and picks in 1 round.');
    await held.clock.advance(10_000);
    const revealed = await d().waitFor(() => { const m = d().message(question.id); return isRevealed(m) ? m : undefined; }, 5000, 'the reveal');
    expect(embedOf(revealed).footer?.text).toBe('1 answer');
    const summary = await summaryAfter(w.channelId, question);
    expect(embedOf(summary).description).toMatch(new RegExp(`^1\\. <@${w.bob.id}> — [01]/1 correct$`));
    expect(await recordsOf(w.guild.id, w.alice.id)).toEqual({ answered: undefined, practiceHistory: undefined, pickRounds: 0 });
    expect((await recordsOf(w.guild.id, w.bob.id)).pickRounds).toBe(1);
  });

  it('with nothing stored, says so and offers no button', async () => {
    const w = world();
    await practise(w.alice, w.otherChannelId);
    const reply = await forgetMe(w.alice, w.channelId);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('You have no quiz records in this server: there is nothing to remove.');
    expect(reply.components).toEqual([]);
  });

  it('Cancel removes nothing, and its confirmation can no longer be used', async () => {
    const w = world();
    await practise(w.alice, w.channelId);
    const ask = await forgetMe(w.alice, w.channelId);
    const [confirm, cancel] = [confirmOf(ask).custom_id, cancelOf(ask).custom_id];
    const stale = messageJson(d().state, ask);
    await click(w.alice, ask, cancel).response();
    expect(d().message(ask.id)!.content).toBe('Cancelled. Nothing was removed.');
    const again = await forgedClick(w.alice, w.channelId, stale, confirm);
    expect(again.content).toBe('This confirmation was already used or replaced by a newer one. Run `/quiz forget-me` again if needed.');
    expect((await recordsOf(w.guild.id, w.alice.id)).answered).toBe(1);
  });
});

describe('a forget confirmation that is forged, stale or someone else’s', () => {
  it('is refused with a plain private message and removes nothing', async () => {
    const w = world();
    await practise(w.alice, w.channelId);
    await practise(w.bob, w.channelId);
    const ask = await forgetMe(w.alice, w.channelId);
    const confirm = confirmOf(ask).custom_id;
    const [, , requester, target, expires, token] = confirm.split(':');
    const refusals: Array<[string, UserRecord, string, string]> = [
      ['made-up id', w.alice, 'forget:y:nope', 'This button is no longer active.'],
      ['a token of the wrong form', w.alice, `forget:y:${requester}:${target}:${expires}:short`, 'This button is no longer active.'],
      ['someone else pressing it', w.bob, confirm, 'Only the person who asked can confirm or cancel this.'],
      ['someone else cancelling it', w.bob, cancelOf(ask).custom_id, 'Only the person who asked can confirm or cancel this.'],
      ['the asker pointing it at someone else', w.alice, `forget:y:${requester}:${w.bob.id}:${expires}:${token}`, 'Only people who can manage this server can do that.'],
      ['someone else presenting it as their own', w.bob, `forget:y:${w.bob.id}:${w.bob.id}:${expires}:${token}`, 'This confirmation was already used or replaced by a newer one. Run `/quiz forget-me` again if needed.'],
    ];
    for (const [what, user, customId, message] of refusals) {
      const reply = await forgedClick(user, w.channelId, ask, customId);
      expect(reply.ephemeral, what).toBe(true);
      expect(reply.content, what).toBe(message);
      expect(reply.components, what).toEqual([]);
    }
    expect(d().message(ask.id)!.content).toMatch(/^This removes your quiz records/);
    expect((await recordsOf(w.guild.id, w.alice.id)).answered).toBe(1);
    expect((await recordsOf(w.guild.id, w.bob.id)).answered).toBe(1);
  });

  it('an older confirmation replaced by a newer one, a second click and an expired one are refused', async () => {
    const w = world();
    await practise(w.alice, w.channelId);
    const older = await forgetMe(w.alice, w.channelId);
    const newer = await forgetMe(w.alice, w.channelId);
    const replaced = await click(w.alice, older, confirmOf(older).custom_id).reply();
    expect(replaced.content).toBe('This confirmation was already used or replaced by a newer one. Run `/quiz forget-me` again if needed.');
    expect((await recordsOf(w.guild.id, w.alice.id)).answered).toBe(1);

    const stale = messageJson(d().state, newer);
    const confirm = confirmOf(newer).custom_id;
    await click(w.alice, newer, confirm).response();
    expect(d().message(newer.id)!.content).toBe('Removed 1 tally (1 answer), 1 practice history and 1 learning record (review list, practice boxes and confidence ratings).');
    await practise(w.alice, w.channelId);
    const twice = await forgedClick(w.alice, w.channelId, stale, confirm);
    expect(twice.content).toBe('This confirmation was already used or replaced by a newer one. Run `/quiz forget-me` again if needed.');
    expect((await recordsOf(w.guild.id, w.alice.id)).answered).toBe(1);

    const late = await forgetMe(w.alice, w.channelId);
    await held.clock.advance(61_000);
    const expired = await click(w.alice, late, confirmOf(late).custom_id).reply();
    expect(expired.content).toBe('This confirmation has expired. Run `/quiz forget-me` again.');
    expect((await recordsOf(w.guild.id, w.alice.id)).answered).toBe(1);
  });
});

describe('/quiz-admin forget', () => {
  it('removes the records of a learner who has left the server, after the admin confirms, and keeps theirs elsewhere', async () => {
    const w = world();
    await practise(w.alice, w.channelId);
    await playRound(w, [w.alice, w.bob]);
    await practise(w.alice, w.otherChannelId);
    w.guild.members.delete(w.alice.id); // alice leaves the class server
    const ask = await adminForget(w, w.alice.id);
    expect(ask.ephemeral).toBe(true);
    expect(ask.content).toMatch(new RegExp(`^This removes the quiz records of <@${w.alice.id}> in this server: 1 tally \\(2 answers\\), 1 practice history, 1 learning record \\(review list, practice boxes and confidence ratings\\) and picks in 1 round\\. It cannot be undone\\. Confirm <t:\\d+:R>\\.$`));
    expect(buttonsOf(ask).map((b) => b.label)).toEqual(['Remove their records', 'Cancel']);
    expect(ask.pinged).toEqual({ everyone: false, roles: [], users: [] });
    await click(w.admin, ask, confirmOf(ask).custom_id).response();
    expect(d().message(ask.id)!.content).toBe(`Removed the quiz records of <@${w.alice.id}>: 1 tally (2 answers), 1 practice history, 1 learning record (review list, practice boxes and confidence ratings) and picks in 1 round.`);
    expect(await recordsOf(w.guild.id, w.alice.id)).toEqual({ answered: undefined, practiceHistory: undefined, pickRounds: 0 });
    expect(await recordsOf(w.other.id, w.alice.id)).toEqual({ answered: 1, practiceHistory: 1, pickRounds: 0 });
    expect((await recordsOf(w.guild.id, w.bob.id)).pickRounds).toBe(1);
  });

  it('works for a user id Discord still resolves though they were never seen by the bot in this server, and says when there is nothing', async () => {
    const w = world();
    const stranger = d().addUser({ username: 'stranger', guildIds: [w.other.id] });
    await recordAnswer(services(), { guildId: w.guild.id, userId: stranger.id, userName: 'stranger', category: 'attribution', article: 'global-health-passport', correct: true, at: held.clock.now() });
    const ask = await adminForget(w, stranger.id);
    await click(w.admin, ask, confirmOf(ask).custom_id).response();
    expect(d().message(ask.id)!.content).toBe(`Removed the quiz records of <@${stranger.id}>: 1 tally (1 answer).`);
    const nothing = await adminForget(w, stranger.id);
    expect(nothing.content).toBe(`<@${stranger.id}> has no quiz records in this server: there is nothing to remove.`);
    expect(nothing.components).toEqual([]);
  });

  it('is for Manage Server only, at the command and at the button, and only the admin who asked can confirm', async () => {
    const w = world();
    await practise(w.alice, w.channelId);
    await practise(w.bob, w.channelId);
    expect(() => adminForget(w, w.alice.id, w.bob)).toThrow(LocalDiscordError);
    const sneaky = await d().runCommand({ user: w.bob, channelId: w.channelId, name: 'quiz-admin', subcommand: 'forget', options: { user: w.alice.id }, skipPermissionCheck: true }).reply();
    expect(sneaky.content).toBe('Only people who can manage this server can do that.');

    const ask = await adminForget(w, w.alice.id);
    const confirm = confirmOf(ask).custom_id;
    expect((await forgedClick(w.bob, w.channelId, ask, confirm)).content).toBe('Only the person who asked can confirm or cancel this.');
    const [, , requester, , expires, token] = confirm.split(':');
    const retargeted = await forgedClick(w.admin, w.channelId, ask, `forget:y:${requester}:${w.bob.id}:${expires}:${token}`);
    expect(retargeted.content).toBe('This confirmation was already used or replaced by a newer one. Run `/quiz-admin forget` again if needed.');
    const demoted = await d().clickButton({ user: w.admin, messageId: ask.id, customId: confirm, permissions: ['ViewChannel', 'SendMessages'] }).reply();
    expect(demoted.content).toBe('Only people who can manage this server can do that.');
    expect((await recordsOf(w.guild.id, w.alice.id)).answered).toBe(1);
    expect((await recordsOf(w.guild.id, w.bob.id)).answered).toBe(1);

    await click(w.admin, ask, confirm).response();
    expect((await recordsOf(w.guild.id, w.alice.id)).answered).toBeUndefined();
    expect((await recordsOf(w.guild.id, w.bob.id)).answered).toBe(1);
  });
});
