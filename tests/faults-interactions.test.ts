/**
 * Malformed and forged interactions, and failures inside handlers, through the
 * real bot's central handler (src/interactions.ts) on the local Discord.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { APOLOGY, MALFORMED } from '../src/interactions.js';
import { tallyKey } from '../src/quiz/tallies.js';
import { ManualClock } from '../tools/manual-clock.js';
import { startTestBot, type TestBot } from './support/bot.js';
import type { InteractionHandle, InteractionResponseRecord, MessageRecord, UserRecord } from '../tools/local-discord/index.js';
import { messageJson } from '../tools/local-discord/payloads.js';
import { buttonsOf } from './support/messages.js';

type Obj = Record<string, unknown>;

let t: TestBot;
let clock: ManualClock;
let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2025, 2, 1, 12));
  t = await startTestBot({ clock });
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  // The bot still serves a plain command after whatever the test sent.
  const help = await t.discord.runCommand({ user: t.discord.member, channelId: t.discord.channels.general.id, name: 'help' }).response();
  expect(help.type).toBe(4);
  expect(JSON.stringify(help.data)).toContain('/quiz start');
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
  expect(t.discord.serverErrors).toEqual([]);
});

/** The bot answered with a private message of its own (not the generic apology). */
async function expectPrivateRefusal(handle: InteractionHandle, pattern: RegExp): Promise<InteractionResponseRecord> {
  const response = await handle.response();
  expect(response.type, JSON.stringify(response.data)).toBe(4);
  expect(response.data?.flags).toBe(64);
  expect(String(response.data?.content)).toMatch(pattern);
  expect(response.data?.content).not.toBe(APOLOGY);
  return response;
}

/** Logged as a refusal (info), not as a bug. */
function expectRefusalLogged(handle: InteractionHandle): void {
  const lines = t.logs().filter((l) => l.interactionId === handle.id);
  expect(lines.some((l) => l.msg === 'refused')).toBe(true);
  expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
}

/** A component INTERACTION_CREATE for `message`, as if `user` clicked a button with `customId` on it. */
function componentPayload(user: UserRecord, message: MessageRecord, customId: string): Obj {
  const payload = t.discord.commandPayload({ user, channelId: message.channel_id, name: 'help' });
  return { ...payload, type: 3, data: { custom_id: customId, component_type: 2 }, message: messageJson(t.discord.state, message) };
}

/** Replaces the value of one option (inside a sub-command, if any) of a command payload. */
function setOption(payload: Obj, name: string, value: unknown): Obj {
  const data = payload.data as { options?: Array<{ name: string; value?: unknown; options?: Array<{ name: string; value?: unknown }> }> };
  const leaves = data.options?.[0]?.options ?? data.options ?? [];
  const option = leaves.find((o) => o.name === name);
  if (!option) throw new Error(`no option ${name} in the payload`);
  option.value = value;
  return payload;
}

describe('forged and malformed interactions', () => {
  it('answers a button whose custom id has an unknown prefix with a private "no longer active"', async () => {
    const { discord } = t;
    const excerpt = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 3 } }).reply();
    for (const customId of ['bogus:a:1', 'nocolon', '', ':::', 'x'.repeat(100)]) {
      const handle = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: componentPayload(discord.member2, excerpt, customId) });
      await expectPrivateRefusal(handle, /no longer active/);
      expectRefusalLogged(handle);
    }
  });

  it('refuses quiz buttons for a round that does not exist and options outside the question', async () => {
    const { discord } = t;
    const channelId = discord.channels.quiz.id;
    await discord.runCommand({ user: discord.moderator, channelId, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 60 } }).response();
    const question = await discord.waitForMessage(channelId, (m) => buttonsOf(m).some((b) => b.custom_id.startsWith('quiz:a:')));
    const [, , roundId, , firstOption] = buttonsOf(question)[0]!.custom_id.split(':');
    const forge = (customId: string) => discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: componentPayload(discord.member, question, customId) });

    await expectPrivateRefusal(forge(`quiz:a:NoSuchRound1:0:${firstOption}`), /round is over/);
    // An option id the question does not have (a valid shape).
    await expectPrivateRefusal(forge(`quiz:a:${roundId}:0:no-such-option`), /does not belong to the current question/);
    // A later question of the round, not yet open.
    await expectPrivateRefusal(forge(`quiz:a:${roundId}:7:${firstOption}`), /does not belong to the current question/);
    // Shapes the decoder rejects: a position instead of an id, upper case, extra parts, bad round id, a huge index.
    for (const bad of [`quiz:a:${roundId}:0:Option`, `quiz:a:${roundId}:0:a_b`, `quiz:a:${roundId}:0:${firstOption}:0`, `quiz:a:../../x:0:${firstOption}`, `quiz:a:${roundId}:999999999999:${firstOption}`]) {
      await expectPrivateRefusal(forge(bad), /no longer active/);
    }
    // None of that counted: member has no tally, and a real click still works once.
    expect(await t.bot.services.store.get(tallyKey(discord.guild.id, discord.member.id))).toBeUndefined();
    const real = discord.clickButton({ user: discord.member, messageId: question.id, customId: buttonsOf(question)[0]!.custom_id });
    expect((await real.response()).data?.content).toBe('Locked in: A');
    await discord.runCommand({ user: discord.moderator, channelId, name: 'quiz', subcommand: 'stop' }).response();
  });

  it('refuses out-of-range numbers with a message naming the allowed range', async () => {
    const { discord } = t;
    const channelId = discord.channels.general.id;
    const command = (name: string, subcommand: string | undefined, options: Obj) =>
      discord.commandPayload({ user: discord.member, channelId, name, ...(subcommand ? { subcommand } : {}), options: options as never });

    const paragraph = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: setOption(command('excerpt', undefined, { paragraph: 1 }), 'paragraph', 9999) });
    await expectPrivateRefusal(paragraph, /no ¶9999.*paragraphs 1 to \d+/);
    expectRefusalLogged(paragraph);
    const negative = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: setOption(command('excerpt', undefined, { paragraph: 1 }), 'paragraph', -5) });
    await expectPrivateRefusal(negative, /no ¶-5/);
    const questions = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: setOption(command('quiz', 'start', { questions: 3 }), 'questions', 50) });
    await expectPrivateRefusal(questions, /Questions must be a whole number from 1 to 10/);
    const seconds = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: setOption(command('quiz', 'start', { seconds: 30 }), 'seconds', 1e9) });
    await expectPrivateRefusal(seconds, /Seconds must be a whole number from 10 to 120/);
    const fraction = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: setOption(command('quiz', 'start', { questions: 3 }), 'questions', 2.5) });
    await expectPrivateRefusal(fraction, /Questions must be a whole number/);
    const difficulty = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: setOption(command('quiz', 'start', { difficulty: 1 }), 'difficulty', 7) });
    await expectPrivateRefusal(difficulty, /Difficulty is 1 \(easy\), 2 \(medium\) or 3 \(hard\)/);
    // No round was started by any of them.
    expect(t.bot.services.quiz.rounds.size).toBe(0);
  });

  it('refuses a 10,000-character string option without echoing it back whole', async () => {
    const { discord } = t;
    const channelId = discord.channels.general.id;
    const long = `${'wörd '.repeat(2000)}`;
    expect(long.length).toBe(10_000);
    const search = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: setOption(discord.commandPayload({ user: discord.member, channelId, name: 'excerpt', options: { search: 'x' } }), 'search', long) });
    const response = await expectPrivateRefusal(search, /No paragraph contains/);
    expect(String(response.data?.content).length).toBeLessThanOrEqual(2000);
    const category = discord.dispatchRaw({
      t: 'INTERACTION_CREATE',
      d: setOption(discord.commandPayload({ user: discord.member, channelId, name: 'quiz', subcommand: 'practice', options: { category: 'attribution' } }), 'category', long),
    });
    const refused = await expectPrivateRefusal(category, /is not a category/);
    expect(String(refused.data?.content).length).toBeLessThanOrEqual(200);
  });

  it('refuses a command whose options are missing or of the wrong type, as malformed input rather than a bug', async () => {
    const { discord } = t;
    const channelId = discord.channels.general.id;
    const cases: Array<[string, Obj]> = [];
    // Required `id` of /prompt cancel left out.
    const noId = discord.commandPayload({ user: discord.moderator, channelId, name: 'prompt', subcommand: 'cancel', options: { id: 'abc' } });
    (noId.data as { options: Array<{ options: unknown[] }> }).options[0]!.options = [];
    cases.push(['missing required option', noId]);
    // No sub-command at all.
    const noSub = discord.commandPayload({ user: discord.member, channelId, name: 'quiz', subcommand: 'score' });
    delete (noSub.data as Obj).options;
    cases.push(['missing sub-command', noSub]);
    // An integer option sent as a string option.
    const wrongType = discord.commandPayload({ user: discord.member, channelId, name: 'excerpt', options: { paragraph: 2 } });
    (wrongType.data as { options: Array<Obj> }).options[0] = { name: 'paragraph', type: 3, value: 'two' };
    cases.push(['option of the wrong type', wrongType]);

    for (const [what, payload] of cases) {
      const handle = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: payload });
      const response = await handle.response();
      expect(response.data?.flags, what).toBe(64);
      expect(response.data?.content, what).toBe(MALFORMED);
      const lines = t.logs().filter((l) => l.interactionId === handle.id);
      expect(lines.filter((l) => l.msg === 'refused malformed options').map((l) => l.level), what).toEqual([40]);
      expect(lines.filter((l) => Number(l.level) >= 50), what).toEqual([]);
    }
  });

  it('refuses an unknown command name', async () => {
    const { discord } = t;
    const payload = discord.commandPayload({ user: discord.member, channelId: discord.channels.general.id, name: 'help' });
    (payload.data as Obj).name = 'launch-missiles';
    (payload.data as Obj).id = '1234567890123456789';
    const handle = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: payload });
    await expectPrivateRefusal(handle, /not known here/);
    expectRefusalLogged(handle);
  });

  it('refuses an interaction from a guild the bot is not in', async () => {
    const { discord } = t;
    const elsewhere = discord.addGuild({ name: 'elsewhere', withBot: false });
    const payload = discord.commandPayload({ user: discord.member, channelId: discord.channels.general.id, name: 'quiz', subcommand: 'score' });
    payload.guild_id = elsewhere.id;
    payload.guild = { id: elsewhere.id, locale: 'en-US', features: [] };
    payload.channel_id = elsewhere.channels[0]!.id;
    payload.channel = { ...(payload.channel as Obj), id: elsewhere.channels[0]!.id, guild_id: elsewhere.id };
    const handle = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: payload });
    await expectPrivateRefusal(handle, /works inside servers it has been added to/);
    expectRefusalLogged(handle);
  });

  it('ignores interaction types it does not handle without crashing', async () => {
    const { discord } = t;
    const base = () => discord.commandPayload({ user: discord.member, channelId: discord.channels.general.id, name: 'help' });
    // An unknown type: discord.js builds no interaction for it. A ping (type 1) only goes to HTTP endpoints.
    const unknown = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: { ...base(), type: 99 } });
    const ping = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: { ...base(), type: 1 } });
    // Gateway events reach the bot in order on one socket: once this later /help is answered, the two before it were handled.
    const later = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: base() });
    expect((await later.response()).type).toBe(4);
    expect([unknown.record.delivered, ping.record.delivered]).toEqual([true, true]);
    expect(unknown.record.response).toBeUndefined();
    expect(ping.record.response).toBeUndefined();
    expect(t.logs().filter((l) => l.interactionId === unknown.id || l.interactionId === ping.id)).toEqual([]);
    // (afterEach checks that the bot still answers /help and that nothing was left unhandled)
  });
});

describe('failures inside a handler', () => {
  it('answers a thrown bug with the private apology and logs it at error with a stack', async () => {
    const { discord } = t;
    const store = t.bot.services.store;
    const original = store.get;
    store.get = () => {
      store.get = original;
      throw new TypeError('boom: tallies unreadable');
    };
    const handle = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'quiz', subcommand: 'score' });
    const response = await handle.response();
    expect(store.get).toBe(original);
    expect(response.type).toBe(4);
    expect(response.data?.flags).toBe(64);
    expect(response.data?.content).toBe(APOLOGY);
    const logged = t.logs().filter((l) => l.interactionId === handle.id && l.msg === 'interaction failed');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe(50);
    expect(logged[0]!.command).toBe('/quiz score');
    const err = logged[0]!.err as { message?: string; stack?: string };
    expect(err.message).toBe('boom: tallies unreadable');
    expect(err.stack).toMatch(/TypeError: boom: tallies unreadable\n\s+at /);

    // The next /quiz score works again.
    const next = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'quiz', subcommand: 'score' }).response();
    expect(JSON.stringify(next.data)).toContain('Quiz record');
  });

  it('answers a thrown UserError with its own message, privately, logged as a refusal', async () => {
    const { discord } = t;
    const store = t.bot.services.store;
    const original = store.get;
    store.get = () => {
      store.get = original;
      return Promise.reject(new UserError('Tallies are being moved; try again in a minute.'));
    };
    const handle = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'quiz', subcommand: 'score' });
    await expectPrivateRefusal(handle, /^Tallies are being moved; try again in a minute\.$/);
    expectRefusalLogged(handle);
  });
});
