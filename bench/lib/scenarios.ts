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
