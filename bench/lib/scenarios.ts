/** Payloads, seeding and checks shared by `npm run bench` and `npm run soak`. */
import { pino } from 'pino';
import { CATEGORIES } from '../../src/content/schema.js';
import { Standings } from '../../src/quiz/standings.js';
import { applyAnswer, listTallies, tallyKey, type Tally } from '../../src/quiz/tallies.js';
import { systemClock } from '../../src/clock.js';
import { openStore } from '../../src/storage/open.js';
import { markCurrentFormat } from '../../src/migrations/article-refs.js';
import type { InteractionResponseRecord, LocalDiscord } from '../../tools/local-discord/index.js';
import { asUser, buttonTemplate, commandTemplate, messageJson, userId } from './driver.js';
import type { Target } from './target.js';

type Obj = Record<string, unknown>;
export const PARAGRAPHS = 15;
/** Seeded leaderboard users are user ids 1,000,000 and up; clicking users start at 0. */
export const SEEDED_USER_BASE = 1_000_000;
/** The bundled article's id: seeded tallies count their answers under it, as the bot would. */
const SEEDED_ARTICLE = 'global-health-passport';

const silent = pino({ level: 'silent' });
const flags = (r: InteractionResponseRecord) => Number(r.data?.flags ?? 0);
const content = (r: InteractionResponseRecord) => String(r.data?.content ?? '');
const embedTitle = (r: InteractionResponseRecord) => String((r.data?.embeds as Array<{ title?: string }> | undefined)?.[0]?.title ?? '');

export const accept = {
  baseline: (r: InteractionResponseRecord) => r.type === 4 && content(r) === 'ok',
  /** The same-bytes reference baseline: replies with an excerpt embed. */
  embedReply: (r: InteractionResponseRecord) => r.type === 4 && embedTitle(r).startsWith('¶'),
  /** A public excerpt (refusals are private). */
  excerpt: (r: InteractionResponseRecord) => r.type === 4 && (flags(r) & 64) === 0 && embedTitle(r).startsWith('¶'),
  click: (r: InteractionResponseRecord) => r.type === 4 && /^Locked in: [A-E]$/.test(content(r)),
  leaderboard: (r: InteractionResponseRecord) => r.type === 4 && embedTitle(r) === 'Leaderboard: correct answers',
};

/** /excerpt paragraph:1..15 by 1,000 different users, round robin. */
export function excerptPayloads(discord: LocalDiscord): (i: number) => Obj {
  const channelId = discord.channels.general.id;
  const templates = Array.from({ length: PARAGRAPHS }, (_, p) => commandTemplate(discord, { channelId, name: 'excerpt', options: { paragraph: p + 1 } }));
  return (i) => asUser(templates[i % PARAGRAPHS]!, i % 1000);
}

export function leaderboardPayloads(discord: LocalDiscord, guildId: string, users: number): (i: number) => Obj {
  const guild = discord.state.guilds.get(guildId)!;
  const template = commandTemplate(discord, { channelId: guild.channels[0]!.id, name: 'quiz', subcommand: 'leaderboard' });
  // Asked by seeded users, so "your rank" is worked out too.
  return (i) => asUser(template, SEEDED_USER_BASE + ((i * 7919) % users));
}

/** A tiny deterministic PRNG (mulberry32), so every run seeds the same tallies. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes `users` tallies for the guild through the real store and applyAnswer, as answers would. */
export async function seedTallies(storageFile: string, guildId: string, users: number): Promise<number> {
  const t0 = performance.now();
  const store = await openStore(`sqlite://${storageFile}`, silent);
  const random = prng(42);
  const start = Date.parse('2025-01-01T00:00:00Z');
  const writes: Promise<void>[] = [];
  for (let u = 0; u < users; u++) {
    const id = userId(SEEDED_USER_BASE + u);
    let tally: Tally | undefined;
    const answers = 1 + Math.floor(random() * 30);
    const skill = random();
    for (let a = 0; a < answers; a++) {
      tally = applyAnswer(tally, {
        userId: id,
        userName: `seeded${u}`,
        category: CATEGORIES[Math.floor(random() * CATEGORIES.length)]!,
        article: SEEDED_ARTICLE,
        correct: random() < skill,
        at: start + Math.floor(random() * 90 * 86_400_000),
      });
    }
    writes.push(store.set(tallyKey(guildId, id), tally));
    if (writes.length >= 5000) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  // Written in the current format, so the bot's start does not spend its time migrating the seed.
  await markCurrentFormat(store);
  await store.close();
  return performance.now() - t0;
}

/** Acknowledged clicks per user id, to compare with the tallies in SQLite afterwards. */
export class AckLedger {
  readonly acked = new Map<string, number>();
  record(d: Obj): void {
    const id = ((d.member as Obj).user as Obj).id as string;
    this.acked.set(id, (this.acked.get(id) ?? 0) + 1);
  }
  get total(): number {
    let n = 0;
    for (const v of this.acked.values()) n += v;
    return n;
  }

  /** Opens the (stopped) bot's SQLite file and compares. */
  async check(storageFile: string, guildId: string): Promise<{ acknowledged: number; tallied: number; users: number; lost: number; extra: number; usersWithMismatch: number }> {
    const store = await openStore(`sqlite://${storageFile}`, silent);
    try {
      const tallies = new Map((await listTallies({ store, standings: new Standings(systemClock) }, guildId)).map((t) => [t.userId, t.answered]));
      let lost = 0;
      let extra = 0;
      let mismatched = 0;
      let tallied = 0;
      for (const n of tallies.values()) tallied += n;
      for (const [id, n] of this.acked) {
        const got = tallies.get(id) ?? 0;
        if (got !== n) mismatched++;
        if (got < n) lost += n - got;
        else extra += got - n;
      }
      for (const [id, got] of tallies) {
        if (!this.acked.has(id)) {
          mismatched++;
          extra += got;
        }
      }
      return { acknowledged: this.total, tallied, users: tallies.size, lost, extra, usersWithMismatch: mismatched };
    } finally {
      await store.close();
    }
  }
}

/**
 * Two public rounds running at once in two channels; click k goes to round k % 2
 * as user k >> 1, so every user answers both (concurrent updates of one tally key)
 * and no one answers one question twice.
 */
export function clickPayloads(bot: Target, baseline: Target | undefined, rounds: Array<{ channelId: string; message: import('../../tools/local-discord/index.js').MessageRecord; customIds: string[] }>) {
  const forBot = rounds.map((r, n) => buttonTemplate(bot.discord, r.channelId, messageJson(r.message), r.customIds[n % r.customIds.length]!));
  // The baseline gets the same message and custom ids, in its own stand-in's channels.
  const baseChannels = baseline ? [baseline.discord.channel('channel-10').id, baseline.discord.channel('channel-11').id] : [];
  const forBase = baseline ? rounds.map((r, n) => buttonTemplate(baseline.discord, baseChannels[n]!, messageJson(r.message, baseChannels[n]), r.customIds[n % r.customIds.length]!)) : [];
  const pick = (templates: Obj[], k: number) => {
    const customIds = rounds[k % rounds.length]!.customIds;
    return asUser(templates[k % templates.length]!, Math.floor(k / rounds.length), customIds[(k >> 3) % customIds.length]);
  };
  return { bot: (k: number) => pick(forBot, k), baseline: (k: number) => pick(forBase, k) };
}

/**
 * Acknowledged clicks per guild and user, for rounds running in several guilds
 * at once. A click that got no answer in time may or may not have been
 * recorded (the bot records before it acknowledges, and its acknowledgement
 * can come after Discord's window), so it is kept apart: the check wants
 * acknowledged <= stored <= acknowledged + unanswered for every user.
 */
export class GuildLedger {
  readonly acked = new Map<string, AckLedger>();
  readonly unanswered = new Map<string, AckLedger>();
  record(d: Obj): void {
    GuildLedger.#add(this.acked, d);
  }
  recordUnanswered(d: Obj): void {
    GuildLedger.#add(this.unanswered, d);
  }
  static #add(map: Map<string, AckLedger>, d: Obj): void {
    const guildId = d.guild_id as string;
    let ledger = map.get(guildId);
    if (!ledger) map.set(guildId, (ledger = new AckLedger()));
    ledger.record(d);
  }

  /** Compares every guild's tallies in the (stopped) bot's store with the clicks. */
  async check(storageUrl: string): Promise<GuildCheck> {
    const out: GuildCheck = { guilds: 0, acknowledged: 0, unanswered: 0, stored: 0, lost: 0, extra: 0, storedUnanswered: 0, usersWithMismatch: 0 };
    const store = await openStore(storageUrl, silent);
    try {
      const guildIds = new Set([...this.acked.keys(), ...this.unanswered.keys()]);
      for (const guildId of guildIds) {
        out.guilds++;
        const stored = new Map((await listTallies({ store, standings: new Standings(systemClock) }, guildId)).map((t) => [t.userId, t.answered]));
        const acked = this.acked.get(guildId)?.acked ?? new Map<string, number>();
        const maybe = this.unanswered.get(guildId)?.acked ?? new Map<string, number>();
        for (const n of acked.values()) out.acknowledged += n;
        for (const n of maybe.values()) out.unanswered += n;
        for (const n of stored.values()) out.stored += n;
        for (const id of new Set([...acked.keys(), ...maybe.keys(), ...stored.keys()])) {
          const a = acked.get(id) ?? 0;
          const m = maybe.get(id) ?? 0;
          const got = stored.get(id) ?? 0;
          if (got < a) out.lost += a - got;
          else if (got > a + m) out.extra += got - a - m;
          else out.storedUnanswered += got - a;
          if (got < a || got > a + m) out.usersWithMismatch++;
        }
      }
      return out;
    } finally {
      await store.close();
    }
  }
}

export interface GuildCheck {
  guilds: number;
  acknowledged: number;
  /** Clicks that got no answer in time. */
  unanswered: number;
  /** Answers in the stored tallies. */
  stored: number;
  /** Acknowledged but not stored. */
  lost: number;
  /** Stored more often than clicked. */
  extra: number;
  /** Unanswered clicks that were stored (their acknowledgement came too late). */
  storedUnanswered: number;
  usersWithMismatch: number;
}

/**
 * Public rounds running at once in several guilds (on a sharded bot, guilds of
 * every shard): click k goes to round k % n as user floor(k / n), so each user
 * answers every round once, and where a guild runs two rounds the user's two
 * clicks there update one tally concurrently. Pass k from a counter kept for
 * as long as the rounds run, so no user clicks one round twice.
 */
export function guildClickPayloads(target: Target, rounds: Array<{ channelId: string; message: import('../../tools/local-discord/index.js').MessageRecord; customIds: string[] }>): (k: number) => Obj {
  const templates = rounds.map((r) => buttonTemplate(target.discord, r.channelId, messageJson(r.message), r.customIds[0]!));
  return (k) => {
    const n = k % rounds.length;
    const customIds = rounds[n]!.customIds;
    const user = Math.floor(k / rounds.length);
    return asUser(templates[n]!, user, customIds[user % customIds.length]);
  };
}
