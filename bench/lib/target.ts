/** Starts a local Discord and a child (the bot or the baseline) served by it, and measures the start. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalDiscord, type MessageRecord } from '../../tools/local-discord/index.js';
import { spawnChild, tempDir, type Child, type ChildKind } from './child.js';
import { commandTemplate, Driver } from './driver.js';

export interface Target {
  kind: ChildKind;
  discord: LocalDiscord;
  child: Child;
  driver: Driver;
  dir: string;
  storageFile: string;
  /** Spawn -> the child's gateway session identified, ms. */
  identifyMs: number;
  /** Spawn -> first interaction answered (the callback received), ms. */
  firstAnswerMs: number;
  stop(): Promise<void>;
  /** Deletes the temp folder with the SQLite file (after stop, and after reading the file). */
  remove(): void;
}

export interface TargetOptions {
  guilds: number;
  channelsPerGuild: number;
  /** Runs before the child starts (e.g. seeding the SQLite file). */
  prepare?: (discord: LocalDiscord, storageFile: string) => Promise<void>;
  cpuProfDir?: string | undefined;
  env?: Record<string, string>;
  maxMessagesPerChannel?: number;
  /**
   * Shards the stand-in recommends and spreads the guilds over (guild i on shard i % n); the bot
   * runs that many when started with SHARDS. The start then waits for every shard's session and
   * for an answer in every guild.
   */
  shards?: number;
  /** How long the child may take to answer in every guild (default 60 s; a ShardingManager starts shards 5.5 s apart). */
  startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startTarget(kind: ChildKind, options: TargetOptions): Promise<Target> {
  const discord = await LocalDiscord.start({
    guilds: options.guilds,
    channelsPerGuild: options.channelsPerGuild,
    recordCalls: false,
    // The bench sends hundreds of thousands of interactions: keep the stand-in's own memory bounded.
    maxMessagesPerChannel: options.maxMessagesPerChannel ?? 50,
    replayBufferSize: 1024,
    requireRegisteredCommands: false,
    waitTimeoutMs: 30_000,
    ...(options.shards ? { recommendedShards: options.shards, maxConcurrency: options.shards } : {}),
  });
  const dir = tempDir(kind);
  const storageFile = join(dir, 'bot.sqlite');
  await options.prepare?.(discord, storageFile);
  const child = spawnChild(kind, {
    env: {
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      STORAGE_URL: `sqlite://${storageFile}`,
      LOG_LEVEL: 'warn',
      EXCERPT_COOLDOWN_SECONDS: '0',
      ...options.env,
    },
    cpuProfDir: options.cpuProfDir,
  });
  const driver = new Driver(discord, 5000);
  const fail = (what: string) => new Error(`${kind}: ${what}\n${child.stderr().slice(-3000)}`);
  let exited = false;
  void child.exited.then(() => (exited = true));
  let identifyMs = 0;
  let firstAnswerMs = 0;
  try {
    const timeoutS = (options.startTimeoutMs ?? 60_000) / 1000;
    const deadline = performance.now() + timeoutS * 1000;
    while (!discord.connected) {
      if (exited) throw fail('exited before connecting');
      if (performance.now() > deadline) throw fail(`did not connect within ${timeoutS} s`);
      await sleep(1);
    }
    identifyMs = performance.now() - child.spawnedAt;

    // Probe with /excerpt every 5 ms until one is answered: interactions that arrive
    // before the bot listens are dropped by discord.js, as on Discord.
    const probe = commandTemplate(discord, { channelId: discord.channels.general.id, name: 'excerpt' });
    let firstAnswerAt: number | undefined;
    while (firstAnswerAt === undefined) {
      if (exited) throw fail('exited before answering');
      if (performance.now() > deadline) throw fail(`did not answer within ${timeoutS} s`);
      void driver.send(probe).then((out) => {
        if (out.answered) firstAnswerAt ??= out.dispatchedAt + out.ms;
      });
      await sleep(5);
    }
    firstAnswerMs = firstAnswerAt - child.spawnedAt;
    if (options.shards && options.shards > 1) {
      // The first answer came from shard 0; the others start later. Wait until every guild answers.
      await discord.waitForShards(
        Array.from({ length: options.shards }, (_, i) => i),
        Math.max(1, deadline - performance.now()),
      );
      for (const guild of discord.state.guilds.values()) {
        const probeHere = commandTemplate(discord, { channelId: guild.channels.find((c) => c.type === 0)!.id, name: 'excerpt' });
        for (let answered = false; !answered; ) {
          if (exited) throw fail('exited before every shard answered');
          if (performance.now() > deadline) throw fail(`did not answer in every guild within ${timeoutS} s`);
          const out = await driver.send(probeHere);
          answered = out.answered;
          if (!answered) await sleep(100);
        }
      }
    }
    if (kind === 'bot') await discord.waitFor(() => discord.commandPuts > 0, 30_000, 'the bot to register its commands');
  } catch (error) {
    await child.stop(2000);
    driver.close();
    await discord.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    kind,
    discord,
    child,
    driver,
    dir,
    storageFile,
    identifyMs,
    firstAnswerMs,
    async stop() {
      await child.stop();
      driver.close();
      await discord.stop();
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The bot's quiz question message in a channel after /quiz start. */
export async function startRound(t: Target, channelId: string, seconds = 120): Promise<{ message: MessageRecord; customIds: string[] }> {
  const { discord } = t;
  // The question of an earlier round in this channel is still there (revealed): wait for a new one.
  const earlier = new Set(discord.messages(channelId).map((m) => m.id));
  const run = discord.runCommand({ user: discord.member, channelId, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds } });
  const response = await run.response(10_000);
  const content = String(response.data?.content ?? '');
  if (!content.startsWith('Quiz round')) throw new Error(`/quiz start in ${channelId} answered: ${content}`);
  const message = await discord.waitForMessage(channelId, (m) => !earlier.has(m.id) && m.author.id === discord.bot.id && m.components.length > 0, 10_000);
  const customIds: string[] = [];
  const walk = (c: unknown): void => {
    const o = c as { custom_id?: unknown; components?: unknown[] };
    if (typeof o.custom_id === 'string') customIds.push(o.custom_id);
    o.components?.forEach(walk);
  };
  message.components.forEach(walk);
  return { message, customIds };
}

export async function stopRound(t: Target, channelId: string): Promise<void> {
  const { discord } = t;
  const response = await discord.runCommand({ user: discord.member, channelId, name: 'quiz', subcommand: 'stop' }).response(10_000);
  const content = String(response.data?.content ?? '');
  if (content !== 'Round stopped.') throw new Error(`/quiz stop in ${channelId} answered: ${content}`);
}
