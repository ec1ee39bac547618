import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startBot, type RunningBot } from '../../src/bot.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/clock.js';
import { ManualClock } from '../../tools/manual-clock.js';
import { LocalDiscord } from '../../tools/local-discord/index.js';
import { memoryLogger } from './log.js';
import { tempDir } from './temp.js';

export interface TestBot {
  discord: LocalDiscord;
  bot: RunningBot;
  config: Config;
  /** Every JSON log line the bot wrote so far. */
  logs: () => Array<Record<string, unknown>>;
  /** Stops the bot and starts it again on the same storage file and local Discord; `whileDown` runs in between. */
  restart(whileDown?: () => void | Promise<void>): Promise<void>;
  /** Stops the bot, the local Discord and removes the temp folder. */
  stop(): Promise<void>;
}

export interface TestBotOptions {
  discord?: LocalDiscord;
  clock?: Clock;
  env?: Record<string, string>;
}

/**
 * Starts the real bot (the same startBot that `npm start` calls) against a local
 * Discord on loopback, with a fresh SQLite file in a temp folder.
 */
export async function startTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const discord = options.discord ?? (await LocalDiscord.start());
  const tmp = tempDir();
  const config = loadConfig({
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    STORAGE_URL: `sqlite://${join(tmp.dir, 'bot.sqlite')}`,
    LOG_LEVEL: 'debug',
    EXCERPT_COOLDOWN_SECONDS: '0',
    ...options.env,
  });
  const { log, lines } = memoryLogger('debug');
  const start = () => startBot({ config, log, ...(options.clock ? { clock: options.clock } : {}) });
  const handle: TestBot = {
    discord,
    bot: await start(),
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
      tmp.cleanup();
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
