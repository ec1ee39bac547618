import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startBot, type RunningBot } from '../../src/bot.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/clock.js';
import { ManualClock } from '../../tools/manual-clock.js';
import { LocalDiscord } from '../../tools/local-discord/index.js';
import { memoryLogger, silentLogger } from './log.js';
import { BACKENDS, UNAVAILABLE, type Harness } from './storage-backends.js';
import { tempDir } from './temp.js';

export interface TestBot {
  discord: LocalDiscord;
  bot: RunningBot;
  config: Config;
  /** Every JSON log line the bot wrote so far. */
  logs: () => Array<Record<string, unknown>>;
  /** Stops the bot and starts it again on the same store (config.STORAGE_URL) and local Discord; `whileDown` runs in between. */
  restart(whileDown?: () => void | Promise<void>): Promise<void>;
  /** Stops the bot, the local Discord and removes the store (the temp folder, or the shared backend's database). */
  stop(): Promise<void>;
}

/** The backends a test bot can run on: SQLite, or a shared backend's test server (tests/support/storage-backends.ts). */
export type TestStorage = 'SQLite' | 'Redis' | 'PostgreSQL';

export interface TestBotOptions {
  discord?: LocalDiscord;
  clock?: Clock;
  env?: Record<string, string>;
  /** Where the bot keeps its data, always fresh and empty; SQLite unless told. */
  storage?: TestStorage;
}

/** A fresh, empty store on `storage`: its STORAGE_URL and how to remove it. */
async function freshStore(storage: TestStorage): Promise<{ url: string; cleanup: () => Promise<void> }> {
  if (storage === 'SQLite') {
    const tmp = tempDir();
    return { url: `sqlite://${join(tmp.dir, 'bot.sqlite')}`, cleanup: async () => tmp.cleanup() };
  }
  const backend = BACKENDS.find((b) => b.shared && b.name === storage);
  if (!backend) throw new Error(`no ${storage} test server: ${UNAVAILABLE.find((u) => u.name === storage)?.reason ?? 'not a shared backend'}`);
  // The harness makes a database of the bot's own (a Redis database number, a PostgreSQL database) and removes it at cleanup.
  const harness: Harness = await backend.open(silentLogger());
  // The bot opens its own connections; the harness's store would only hold one more.
  await harness.store.close();
  return { url: harness.url!, cleanup: () => harness.cleanup() };
}

/**
 * Starts the real bot (the same startBot that `npm start` calls) against a local
 * Discord on loopback, with a fresh store: a SQLite file in a temp folder unless
 * `storage` names a shared backend.
 */
export async function startTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const discord = options.discord ?? (await LocalDiscord.start());
  const store = await freshStore(options.storage ?? 'SQLite');
  const config = loadConfig({
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    STORAGE_URL: store.url,
    LOG_LEVEL: 'debug',
    EXCERPT_COOLDOWN_SECONDS: '0',
    ...options.env,
  });
  const { log, lines } = memoryLogger('debug');
  const start = () => startBot({ config, log, ...(options.clock ? { clock: options.clock } : {}) });
  let first: RunningBot;
  try {
    first = await start();
  } catch (error) {
    // A bot that cannot start leaves no database behind on the shared server.
    if (!options.discord) await discord.stop();
    await store.cleanup();
    throw error;
  }
  const handle: TestBot = {
    discord,
    bot: first,
    config,
    logs: lines,
    async restart(whileDown) {
      await handle.bot.stop();
      await whileDown?.();
      handle.bot = await start();
    },
    async stop() {
      await handle.bot.stop();
      if (!options.discord) await discord.stop();
      await store.cleanup();
    },
  };
  return handle;
}

/**
 * A bot with a ManualClock for one describe block, started before its tests and
 * stopped after them, failing the block if the local Discord saw a malformed
 * request or the bot logged an error.
 */
export function useCleanBot(options: Omit<TestBotOptions, 'clock'> = {}): { tb: TestBot; clock: ManualClock } {
  const holder = {} as { tb: TestBot; clock: ManualClock };
  beforeAll(async () => {
    holder.clock = new ManualClock(Date.now());
    holder.tb = await startTestBot({ ...options, clock: holder.clock });
  });
  afterAll(async () => {
    expect(holder.tb.discord.serverErrors).toEqual([]);
    expect(holder.tb.logs().filter((l) => Number(l['level']) >= 50)).toEqual([]);
    await holder.tb.stop();
  });
  return holder;
}
