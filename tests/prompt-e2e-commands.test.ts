/**
 * /prompt end to end: the real bot (startBot, as `npm start`) against the local
 * Discord stand-in. Definitions, /prompt post, /prompt schedule (times, refusals,
 * repeats, time zones), list, cancel/pause/resume and their autocomplete.
 * Schedules firing, restarts and faults are in prompt-e2e-runs.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listSchedules } from '../src/schedule/repository.js';
import { ManualClock } from '../tools/manual-clock.js';
import { startTestBot, useCleanBot, type TestBot } from './support/bot.js';
import { LocalDiscordError, type MessageRecord, type OptionValue, type UserRecord } from '../tools/local-discord/index.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

// ---- helpers ---------------------------------------------------------------

type Bot = { tb: TestBot; clock: ManualClock };

async function command(
  { tb }: Bot,
  subcommand: string,
  options: Record<string, OptionValue> = {},
  opts: { user?: UserRecord; channelId?: string } = {},
): Promise<MessageRecord> {
  const { discord } = tb;
  const handle = discord.runCommand({
    user: opts.user ?? discord.moderator,
    channelId: opts.channelId ?? discord.channels.general.id,
    name: 'prompt',
    subcommand,
    options,
  });
  return handle.reply();
}

/** Bot posts that are not interaction replies: the prompts themselves. */
const prompts = (tb: TestBot, channelId: string) =>
  tb.discord.messages(channelId).filter((m) => m.author.id === tb.discord.bot.id && !m.interaction && !m.ephemeral);

const description = (m: MessageRecord) => String((m.embeds[0] as { description?: unknown } | undefined)?.description ?? '');

/** Reads the schedule id and first run (in seconds) from a /prompt schedule reply. */
function scheduled(reply: MessageRecord): { id: string; seconds: number } {
  const match = /Scheduled \*\*([a-z2-9]{4})\*\* in <#\d+>: first post <t:(\d+):F> \(<t:(\d+):R>\)/.exec(reply.content);
  expect(match, reply.content).not.toBeNull();
  expect(match![3]).toBe(match![2]);
  return { id: match![1]!, seconds: Number(match![2]) };
}

const seconds = (ms: number) => Math.floor(ms / 1000);

function wallTime(ms: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/** The first whole minute after `now` whose wall time in `timeZone` is hh:mm, found by brute force (independent of croner). */
function nextWallClock(now: number, timeZone: string, hhmm: string): number {
  for (let t = Math.floor(now / M) * M + M; t < now + 3 * D; t += M) if (wallTime(t, timeZone).time === hhmm) return t;
  throw new Error(`no ${hhmm} in ${timeZone} within 3 days`);
}

/** The instant a local date and time names in `timeZone` (first match, scanning offsets -14h..+14h). */
function instantOf(date: string, hhmm: string, timeZone: string): number {
  const guess = Date.parse(`${date}T${hhmm}:00Z`);
  for (let offset = -14 * H; offset <= 14 * H; offset += 15 * M) {
    const t = guess - offset;
    const w = wallTime(t, timeZone);
    if (w.date === date && w.time === hhmm) return t;
  }
  throw new Error(`${date} ${hhmm} does not exist in ${timeZone}`);
}

async function cancelAll({ tb }: Bot, guildId = tb.discord.guild.id, user?: UserRecord, channelId?: string): Promise<void> {
  for (const s of await listSchedules(tb.bot.services.store, guildId)) {
    const reply = await command({ tb } as Bot, 'cancel', { id: s.id }, { ...(user ? { user } : {}), ...(channelId ? { channelId } : {}) });
    expect(reply.content).toContain(`Cancelled schedule **${s.id}**`);
  }
}

// ---- definitions -------------------------------------------------------------

describe('/prompt definitions and who may use them', () => {
  const bot = useCleanBot();

  it('is registered for Manage Server only and for servers only', () => {
    const def = bot.tb.discord.commands().find((c) => c.name === 'prompt');
    expect(def).toBeDefined();
    expect(def!.default_member_permissions).toBe('32');
    expect(def!.contexts).toEqual([0]);
    const subs = (def!.options as Array<{ name: string }>).map((o) => o.name).sort();
    expect(subs).toEqual(['cancel', 'list', 'pause', 'post', 'resume', 'schedule', 'timezone']);
  });

  it('is not offered to a plain member', () => {
    const { discord } = bot.tb;
    expect(() =>
      discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'prompt', subcommand: 'list' }),
    ).toThrow(LocalDiscordError);
    expect(() =>
      discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'prompt', subcommand: 'post' }),
    ).toThrow(/default_member_permissions 32/);
    expect(prompts(bot.tb, discord.channels.general.id)).toHaveLength(0);
  });
});

// ---- /prompt post ------------------------------------------------------------

describe('/prompt post', () => {
  const bot = useCleanBot();

  it('posts the chosen prompt in this channel with a public thread named after it (at most 100 characters)', async () => {
    const { discord, bot: running } = bot.tb;
    const channelId = discord.channels.quiz.id;
    const prompt = running.services.shelf.current.first.prompt('discuss-03')!;
    expect(prompt.text.length).toBeGreaterThan(100);

    const reply = await command(bot, 'post', { prompt: 'discuss-03' }, { channelId });
    expect(reply.ephemeral).toBe(true);
    const posted = prompts(bot.tb, channelId);
    expect(posted).toHaveLength(1);
    const message = posted[0]!;
    expect(description(message)).toContain(prompt.text);
    expect(message.pinged).toEqual({ users: [], roles: [], everyone: false });
    expect(message.thread_id).toBeDefined();
    expect(reply.content).toBe(`Posted prompt \`discuss-03\` in <#${channelId}> with a thread: <#${message.thread_id}>.`);

    const [thread] = discord.threads(channelId);
    expect(thread?.id).toBe(message.thread_id);
    expect(thread!.type).toBe(11); // public thread
    expect(thread!.name.length).toBeLessThanOrEqual(100);
    expect(thread!.name.endsWith('…')).toBe(true);
    expect(prompt.text.startsWith(thread!.name.slice(0, -1))).toBe(true);
  });

  it('posts in the channel given as an option, not where the command was used', async () => {
    const { discord } = bot.tb;
    const before = prompts(bot.tb, discord.channels.general.id).length;
    const reply = await command(bot, 'post', { prompt: 'discuss-11', channel: { id: discord.channels.prompts.id } });
    expect(reply.content).toContain(`in <#${discord.channels.prompts.id}>`);
    const [message] = prompts(bot.tb, discord.channels.prompts.id);
    expect(description(message!)).toContain(bot.tb.bot.services.shelf.current.first.prompt('discuss-11')!.text);
    expect(discord.threads(discord.channels.prompts.id)).toHaveLength(1);
    expect(prompts(bot.tb, discord.channels.general.id)).toHaveLength(before);
  });

  it('without a prompt takes the next unused one, and rotates through every prompt before repeating', async () => {
    const { discord, bot: running } = bot.tb;
    const all = running.services.shelf.current.first.prompts.map((p) => p.id);
    const channelId = discord.addChannel('rotation').id;
    const picked: string[] = [];
    for (let i = 0; i < all.length + 1; i++) {
      const reply = await command(bot, 'post', {}, { channelId });
      const id = /Posted prompt `([^`]+)`/.exec(reply.content)?.[1];
      expect(id, reply.content).toBeDefined();
      picked.push(id!);
    }
    const round = picked.slice(0, all.length);
    expect(new Set(round).size).toBe(all.length);
    expect([...round].sort()).toEqual([...all].sort());
    // The next round starts with a prompt other than the one just posted.
    expect(picked[all.length]).not.toBe(picked[all.length - 1]);
    const posted = prompts(bot.tb, channelId);
    expect(posted).toHaveLength(all.length + 1);
    expect(posted.every((m) => m.thread_id)).toBe(true);
    expect(posted.map((m) => description(m).split('\n')[0])).toEqual(picked.map((id) => running.services.shelf.current.first.prompt(id)!.text));
  });

  it('refuses #locked privately, naming the permissions it lacks there', async () => {
    const { discord } = bot.tb;
    const locked = discord.channels.locked.id;
    const reply = await command(bot, 'post', { prompt: 'discuss-01', channel: { id: locked } });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(
      `I cannot post prompts in <#${locked}>: I am missing Send Messages, Create Public Threads, Send Messages in Threads there. Grant them or pick another channel.`,
    );
    expect(prompts(bot.tb, locked)).toHaveLength(0);
  });

  it('refuses a channel where only Create Public Threads is missing, and posts nothing there', async () => {
    const { discord } = bot.tb;
    const channel = discord.addChannel('no-threads');
    discord.setBotPermissions(channel.id, { deny: ['CreatePublicThreads'] });
    await discord.waitFor(() => bot.tb.bot.client.channels.cache.get(channel.id), 2000, 'the channel in the bot cache');
    await discord.waitFor(
      () => (bot.tb.bot.client.channels.cache.get(channel.id) as { permissionOverwrites?: { cache: { size: number } } } | undefined)?.permissionOverwrites?.cache.size === 1,
      2000,
      'CHANNEL_UPDATE to reach the bot',
    );
    const reply = await command(bot, 'post', { prompt: 'discuss-01' }, { channelId: channel.id });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('I am missing Create Public Threads there');
    expect(reply.content).not.toContain('Send Messages');
    expect(prompts(bot.tb, channel.id)).toHaveLength(0);
  });

  it('used inside a thread, refuses privately (a thread cannot hold a prompt’s own thread) and posts nothing', async () => {
    const { discord } = bot.tb;
    const parent = discord.channels.quiz.id;
    await command(bot, 'post', { prompt: 'discuss-06' }, { channelId: parent });
    const thread = discord.threads(parent).at(-1)!;
    await discord.waitFor(() => bot.tb.bot.client.channels.cache.get(thread.id), 2000, 'the thread in the bot cache');
    const before = discord.messages(thread.id).length;
    const reply = await command(bot, 'post', { prompt: 'discuss-07' }, { channelId: thread.id });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('Prompts can only be posted in text or announcement channels, where each opens a thread. Use the channel option to pick one.');
    expect(discord.messages(thread.id, { ephemeral: false })).toHaveLength(before);
  });

  it('refuses an unknown prompt id privately and posts nothing', async () => {
    const { discord } = bot.tb;
    const before = discord.messages(discord.channels.general.id, { ephemeral: false }).length;
    const reply = await command(bot, 'post', { prompt: 'discuss-99' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('There is no prompt “discuss-99” in “Article under discussion: a proposed global health passport”, the channel’s article. Pick one from the suggestions.');
    expect(discord.messages(discord.channels.general.id, { ephemeral: false })).toHaveLength(before);
  });

  it('autocompletes prompts by id and by words of their text', async () => {
    const { discord, bot: running } = bot.tb;
    const ask = (typed: string) =>
      discord.autocomplete({
        user: discord.moderator,
        channelId: discord.channels.general.id,
        name: 'prompt',
        subcommand: 'post',
        options: { prompt: typed },
        focused: 'prompt',
      });
    const everything = await ask('');
    expect(everything.map((c) => c.value)).toEqual(running.services.shelf.current.first.prompts.map((p) => p.id).slice(0, 25));
    for (const c of everything) expect(c.name.length).toBeLessThanOrEqual(100);

    expect((await ask('discuss-04')).map((c) => c.value)).toEqual(['discuss-04']);
    const byText = await ask('ccp');
    expect(byText.map((c) => c.value)).toContain('discuss-04');
    expect(byText.every((c) => running.services.shelf.current.first.prompt(String(c.value))!.text.toLowerCase().includes('ccp'))).toBe(true);
    expect(await ask('no prompt says zzzzqqq')).toEqual([]);
  });
});

// ---- /prompt schedule, list, cancel, pause, resume ---------------------------

describe('/prompt schedule and managing schedules', () => {
  const bot = {} as Bot;
  const zone = 'Europe/Berlin';
  beforeAll(async () => {
    bot.clock = new ManualClock(Date.now());
    bot.tb = await startTestBot({ clock: bot.clock, env: { DEFAULT_TIMEZONE: zone, PROMPT_GRACE_MINUTES: '10' } });
  });
  afterEach(() => cancelAll(bot));
  afterAll(async () => {
    expect(bot.tb.discord.serverErrors).toEqual([]);
    expect(bot.tb.logs().filter((l) => Number(l.level) >= 50)).toEqual([]);
    await bot.tb.stop();
  });

  const schedule = (options: Record<string, OptionValue>) =>
    command(bot, 'schedule', { channel: { id: bot.tb.discord.channels.prompts.id }, ...options });

  it('reads "in 2h" and "in 45m" from now, and shows the run as <t:…:F> and <t:…:R> with the schedule id', async () => {
    const now = bot.clock.now();
    const twoHours = await schedule({ when: 'in 2h' });
    expect(twoHours.ephemeral).toBe(true);
    const a = scheduled(twoHours);
    expect(a.seconds).toBe(seconds(now + 2 * H));
    expect(twoHours.content).toContain(`Cancel with \`/prompt cancel id:${a.id}\``);
    expect(twoHours.content).toContain(`once (${zone})`);

    const b = scheduled(await schedule({ when: 'in 45m' }));
    expect(b.seconds).toBe(seconds(now + 45 * M));
    expect(b.id).not.toBe(a.id);

    const stored = await listSchedules(bot.tb.bot.services.store, bot.tb.discord.guild.id);
    expect(stored.map((s) => [s.id, s.nextRunAt])).toEqual([
      [b.id, now + 45 * M],
      [a.id, now + 2 * H],
    ]);
  });

  it('reads 18:30 as its next occurrence in the server’s time zone (DEFAULT_TIMEZONE here)', async () => {
    const now = bot.clock.now();
    const reply = await schedule({ when: '18:30' });
    const { seconds: at } = scheduled(reply);
    expect(at * 1000).toBe(nextWallClock(now, zone, '18:30'));
    expect(at * 1000).toBeGreaterThan(now);
    expect(at * 1000 - now).toBeLessThanOrEqual(D);
    expect(reply.content).toContain(`(${zone})`);
  });

  it('reads an ISO date-time in the server’s zone, or at the offset it gives', async () => {
    const now = bot.clock.now();
    const { date } = wallTime(now + 3 * D, zone);
    const local = scheduled(await schedule({ when: `${date}T10:15` }));
    expect(local.seconds * 1000).toBe(instantOf(date, '10:15', zone));

    const utcDay = new Date(now + 2 * D).toISOString().slice(0, 10);
    const utc = scheduled(await schedule({ when: `${utcDay}T12:00Z` }));
    expect(utc.seconds * 1000).toBe(Date.parse(`${utcDay}T12:00:00Z`));

    const offset = scheduled(await schedule({ when: `${utcDay}T12:00+05:30` }));
    expect(offset.seconds * 1000).toBe(Date.parse(`${utcDay}T06:30:00Z`));
  });

  it('uses the timezone option over the server’s zone', async () => {
    const now = bot.clock.now();
    const reply = await schedule({ when: '18:30', timezone: 'america/new_york' });
    expect(scheduled(reply).seconds * 1000).toBe(nextWallClock(now, 'America/New_York', '18:30'));
    expect(reply.content).toContain('(America/New_York)');
  });

  it('/prompt timezone sets the zone new schedules use, and refuses a zone it does not know', async () => {
    const set = await command(bot, 'timezone', { name: 'asia/tokyo' });
    expect(set.ephemeral).toBe(true);
    expect(set.content).toContain('now **Asia/Tokyo**');
    try {
      const now = bot.clock.now();
      const reply = await schedule({ when: '18:30' });
      expect(scheduled(reply).seconds * 1000).toBe(nextWallClock(now, 'Asia/Tokyo', '18:30'));
      expect(reply.content).toContain('(Asia/Tokyo)');

      const refused = await command(bot, 'timezone', { name: 'Mars/Olympus_Mons' });
      expect(refused.ephemeral).toBe(true);
      expect(refused.ephemeral).toBe(true);
      expect(refused.content).toBe('"Mars/Olympus_Mons" is not a time zone I know. Use an IANA name such as Europe/Berlin, America/New_York or UTC.');
    } finally {
      expect((await command(bot, 'timezone', { name: zone })).content).toContain(`now **${zone}**`);
    }
  });

  it('autocompletes time zones and repeats', async () => {
    const { discord } = bot.tb;
    const ask = (focused: string, options: Record<string, OptionValue>, subcommand = 'schedule') =>
      discord.autocomplete({ user: discord.moderator, channelId: discord.channels.general.id, name: 'prompt', subcommand, options, focused });
    expect((await ask('timezone', { timezone: 'berl' })).map((c) => c.value)).toEqual(['Europe/Berlin']);
    expect((await ask('name', { name: 'new york' }, 'timezone')).map((c) => c.value)).toEqual(['America/New_York']);
    expect((await ask('repeat', { repeat: '' })).map((c) => c.value)).toEqual(['none', 'daily', 'weekly', '0 9 * * 1-5']);
    expect((await ask('repeat', { repeat: '30 7 * * 1' })).map((c) => c.value)).toEqual(['30 7 * * 1']);
  });

  describe('refuses, saying what to fix, and creates nothing:', () => {
    const refused = async (options: Record<string, OptionValue>) => {
      const reply = await schedule(options);
      expect(reply.ephemeral).toBe(true);
      expect(await listSchedules(bot.tb.bot.services.store, bot.tb.discord.guild.id)).toEqual([]);
      return reply.content;
    };

    it('a time that has passed', async () => {
      const yesterday = wallTime(bot.clock.now() - D, zone).date;
      expect(await refused({ when: `${yesterday}T09:00` })).toMatch(/^That time has already passed \(.+ Europe\/Berlin\)\. Give a time in the future\.$/);
    });

    it('a time it cannot read, listing the forms it reads', async () => {
      expect(await refused({ when: 'tomorrow-ish' })).toBe(
        'I could not read "tomorrow-ish" as a time. Use a time of day like 18:30 or 9:05 (Europe/Berlin time), a date and time like 2025-06-01T18:30 ' +
          '(add Z or +02:00 for a fixed offset), or a delay like in 45m, in 2h, in 1h30m or in 3d.',
      );
    });

    it('a time more than a year ahead', async () => {
      expect(await refused({ when: 'in 400d' })).toMatch(/^That is more than a year ahead \(\d{4}-\d\d-\d\d \d\d:\d\d Europe\/Berlin\)\. Give a time within the next 366 days\.$/);
    });

    it('an unknown time zone', async () => {
      expect(await refused({ when: 'in 1h', timezone: 'Mars/Olympus_Mons' })).toBe(
        '“Mars/Olympus_Mons” is not a time zone I know. Use an IANA name such as Europe/Berlin, America/New_York or UTC.',
      );
    });

    it('an invalid cron expression, and one with seconds', async () => {
      expect(await refused({ when: 'in 1h', repeat: '61 * * * *' })).toMatch(/^"61 \* \* \* \*" is not a valid cron expression \(.+\)\.$/);
      expect(await refused({ when: 'in 1h', repeat: '0 0 18 * * *' })).toBe(
        '"0 0 18 * * *" has 6 fields; seconds and years are not supported. Use 5 fields: minute hour day-of-month month day-of-week, like 0 18 * * 1-5.',
      );
    });

    it('a repeat it does not know, and a cron expression that never matches', async () => {
      expect(await refused({ when: 'in 1h', repeat: 'sometimes' })).toBe('"sometimes" is not a repeat I know. Use none, daily, weekly or a 5-field cron expression like 0 18 * * 1-5.');
      expect(await refused({ when: 'in 1h', repeat: '0 0 31 2 *' })).toBe('The cron expression "0 0 31 2 *" never matches a date.');
    });

    it('a channel the bot cannot post in', async () => {
      const locked = bot.tb.discord.channels.locked.id;
      expect(await refused({ when: 'in 1h', channel: { id: locked } })).toBe(
        `I cannot post prompts in <#${locked}>: I am missing Send Messages, Create Public Threads, Send Messages in Threads there. Grant them or pick another channel.`,
      );
    });

    it('an unknown prompt', async () => {
      expect(await refused({ when: 'in 1h', prompt: 'nope' })).toBe('There is no prompt “nope” in “Article under discussion: a proposed global health passport”, the channel’s article. Pick one from the suggestions.');
    });
  });

  it('refuses a 26th schedule in one server (25 is the limit)', async () => {
    for (let i = 1; i <= 25; i++) scheduled(await schedule({ when: `in ${i}h` }));
    const reply = await schedule({ when: 'in 30h' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('This server already has 25 schedules; cancel one with /prompt cancel first.');
    expect(await listSchedules(bot.tb.bot.services.store, bot.tb.discord.guild.id)).toHaveLength(25);
    const list = await command(bot, 'list');
    expect(String((list.embeds[0] as { title?: unknown }).title)).toBe('Scheduled prompts (25/25)');
  });

  it('stores each repeat (none, daily, weekly, cron) and says it in the reply', async () => {
    const none = await schedule({ when: 'in 1h', repeat: 'none' });
    expect(none.content).toContain('once (Europe/Berlin)');
    const daily = await schedule({ when: 'in 1h', repeat: 'daily' });
    expect(daily.content).toContain('daily (Europe/Berlin)');
    const weekly = await schedule({ when: 'in 1h', repeat: 'weekly' });
    expect(weekly.content).toContain('weekly (Europe/Berlin)');
    const cron = await schedule({ when: 'in 1h', repeat: '0 9 * * 1-5' });
    expect(cron.content).toContain('cron `0 9 * * 1-5` (Europe/Berlin)');

    const byId = new Map((await listSchedules(bot.tb.bot.services.store, bot.tb.discord.guild.id)).map((s) => [s.id, s.repeat]));
    const at = wallTime(bot.clock.now() + H, zone);
    const [hh, mm] = at.time.split(':').map(Number) as [number, number];
    const weekday = new Date(`${at.date}T00:00:00Z`).getUTCDay();
    expect(byId.get(scheduled(none).id)).toEqual({ kind: 'none' });
    expect(byId.get(scheduled(daily).id)).toEqual({ kind: 'daily', cron: `${mm} ${hh} * * *` });
    expect(byId.get(scheduled(weekly).id)).toEqual({ kind: 'weekly', cron: `${mm} ${hh} * * ${weekday}` });
    expect(byId.get(scheduled(cron).id)).toEqual({ kind: 'cron', cron: '0 9 * * 1-5' });
  });

  it('/prompt list shows id, channel, next run, repeat, prompt and paused, soonest first', async () => {
    const { discord } = bot.tb;
    const now = bot.clock.now();
    const soon = scheduled(await schedule({ when: 'in 30m', prompt: 'discuss-04', repeat: 'daily' }));
    const later = scheduled(await command(bot, 'schedule', { channel: { id: discord.channels.general.id }, when: 'in 3h' }));
    const paused = scheduled(await schedule({ when: 'in 1h', repeat: 'weekly' }));
    expect((await command(bot, 'pause', { id: paused.id })).content).toBe(`Paused schedule **${paused.id}**. Resume it with \`/prompt resume id:${paused.id}\`.`);

    const reply = await command(bot, 'list');
    expect(reply.ephemeral).toBe(true);
    const text = description(reply);
    const lines = text.split('\n');
    expect(lines).toHaveLength(6);
    const t = (ms: number) => `<t:${seconds(ms)}:F> (<t:${seconds(ms)}:R>)`;
    expect(lines[0]).toBe(`**${soon.id}** · <#${discord.channels.prompts.id}> · next ${t(now + 30 * M)} · daily (Europe/Berlin)`);
    expect(lines[1]).toMatch(/^ {2}`discuss-04` The quote in ¶11 contains .+ · not run yet$/);
    expect(lines[2]).toBe(`**${later.id}** · <#${discord.channels.general.id}> · next ${t(now + 3 * H)} · once (Europe/Berlin)`);
    expect(lines[3]).toBe('  next in rotation · not run yet');
    expect(lines[4]).toBe(`**${paused.id}** · <#${discord.channels.prompts.id}> · ⏸ paused · weekly (Europe/Berlin)`);
    expect(String((reply.embeds[0] as { title?: unknown }).title)).toBe('Scheduled prompts (3/25)');
  });

  it('/prompt list shows every one of 25 schedules, even with prompts, cron repeats and long time zones', async () => {
    const { discord } = bot.tb;
    const ids: string[] = [];
    for (let i = 1; i <= 25; i++) {
      const options: Record<string, OptionValue> = { when: `in ${i}h`, prompt: `discuss-${String((i % 17) + 1).padStart(2, '0')}` };
      if (i % 2) Object.assign(options, { repeat: '0 9,12,15,18 * * 1-5', timezone: 'America/Argentina/Buenos_Aires' });
      ids.push(scheduled(await schedule(options)).id);
    }
    const reply = await discord.runCommand({ user: discord.moderator, channelId: discord.channels.general.id, name: 'prompt', subcommand: 'list' }).reply();
    expect(reply.ephemeral).toBe(true);
    const shown = reply.embeds.map((e) => String((e as { description?: unknown }).description ?? '')).join('\n');
    for (const id of ids) expect(shown).toContain(`**${id}**`);
    // Discord's limit across a message's embeds.
    const size = reply.embeds.reduce((n, e) => n + String((e as { title?: unknown }).title ?? '').length + String((e as { description?: unknown }).description ?? '').length, 0);
    expect(size).toBeLessThanOrEqual(6000);
    const lastEntry = shown.split('\n').slice(-2).join('\n');
    expect(lastEntry).toMatch(/^\*\*[a-z2-9]{4}\*\* · .+\n {2}`discuss-\d\d` .+ · not run yet$/);
  });

  it('/prompt list with no schedules says how to create one', async () => {
    expect(description(await command(bot, 'list'))).toBe('None yet. Create one with `/prompt schedule`.');
  });

  it('cancel, pause and resume autocomplete this server’s schedule ids only', async () => {
    const { discord } = bot.tb;
    const mine = [scheduled(await schedule({ when: 'in 1h' })).id, scheduled(await schedule({ when: 'in 2h', repeat: 'daily' })).id];

    // Another server, with its own schedule.
    const other = discord.addGuild({ name: 'other', channels: ['talk'], members: [discord.owner] });
    const talk = discord.channel('talk', other.id);
    await discord.waitFor(() => bot.tb.bot.client.channels.cache.get(talk.id), 2000, 'the other server in the bot cache');
    const theirs = scheduled(
      await command(bot, 'schedule', { channel: { id: talk.id }, when: 'in 1h' }, { user: discord.owner, channelId: talk.id }),
    ).id;
    try {
      for (const subcommand of ['cancel', 'pause', 'resume']) {
        const choices = await discord.autocomplete({
          user: discord.moderator,
          channelId: discord.channels.general.id,
          name: 'prompt',
          subcommand,
          options: { id: '' },
          focused: 'id',
        });
        expect(choices.map((c) => c.value).sort(), subcommand).toEqual([...mine].sort());
      }
      const typed = await discord.autocomplete({
        user: discord.moderator,
        channelId: discord.channels.general.id,
        name: 'prompt',
        subcommand: 'cancel',
        options: { id: mine[1]!.toUpperCase() },
        focused: 'id',
      });
      expect(typed).toEqual([{ name: `${mine[1]} · daily · rotation`, value: mine[1] }]);

      // Another server's id cannot be cancelled from here.
      const cross = await command(bot, 'cancel', { id: theirs });
      expect(cross.content).toBe(`There is no schedule "${theirs}" in this server. /prompt list shows the ids.`);
      expect(await listSchedules(bot.tb.bot.services.store, other.id)).toHaveLength(1);
    } finally {
      await cancelAll(bot, other.id, discord.owner, talk.id);
    }
  });

  it('refuses to resume a paused one-off whose time has passed, saying to create a new one', async () => {
    const { id } = scheduled(await schedule({ when: 'in 1h' }));
    await command(bot, 'pause', { id });
    await bot.clock.advance(2 * H);
    const reply = await command(bot, 'resume', { id });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(new RegExp(`^Schedule ${id} was a one-off for \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d Europe/Berlin, which has passed\\. Cancel it and create a new one\\.$`));
    expect(prompts(bot.tb, bot.tb.discord.channels.prompts.id)).toHaveLength(0);
  });

  it('a refusal is not logged as an error for the operator', async () => {
    const { id } = scheduled(await schedule({ when: 'in 1h' }));
    const before = bot.tb.logs().length;
    expect((await command(bot, 'resume', { id })).content).toBe(`Schedule ${id} is not paused.`);
    expect(bot.tb.logs().slice(before).filter((l) => Number(l.level) >= 50)).toEqual([]);
  });

  it('refuses to cancel, pause or resume an unknown id, to resume one that is not paused, and to pause one twice', async () => {
    for (const sub of ['cancel', 'pause', 'resume']) {
      const reply = await command(bot, sub, { id: 'zzzz' });
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toBe('There is no schedule "zzzz" in this server. /prompt list shows the ids.');
    }
    const { id } = scheduled(await schedule({ when: 'in 1h' }));
    expect((await command(bot, 'resume', { id })).content).toBe(`Schedule ${id} is not paused.`);
    expect((await command(bot, 'pause', { id })).content).toBe(`Paused schedule **${id}**. Resume it with \`/prompt resume id:${id}\`.`);
    expect((await command(bot, 'pause', { id })).content).toBe(`Schedule ${id} is already paused.`);
  });
});
