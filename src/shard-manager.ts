import { fileURLToPath } from 'node:url';
import { ShardingManager, type Shard } from 'discord.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/** The shards this machine runs, or undefined to run as one process (no SHARDS, SHARD_IDS or SHARD_COUNT). */
export function shardPlan(config: Config): { total: number | 'auto'; ids: number[] | 'auto' } | undefined {
  if (config.SHARDS === undefined && config.SHARD_IDS === undefined && config.SHARD_COUNT === undefined) return undefined;
  const total = config.SHARD_COUNT ?? config.SHARDS ?? 'auto';
  return { total, ids: config.SHARD_IDS ?? 'auto' };
}

/**
 * Asks Discord how many shards it recommends (GET /gateway/bot), from the API
 * the bot is configured for. discord.js's own `totalShards: 'auto'` always asks
 * discord.com, which a self-hosted Discord-compatible server would not answer.
 */
export async function recommendedShards(config: Config): Promise<number> {
  const api = config.DISCORD_API_URL ?? 'https://discord.com/api';
  const response = await fetch(`${api}/v10/gateway/bot`, { headers: { Authorization: `Bot ${config.DISCORD_TOKEN}` } });
  if (!response.ok) throw new Error(`Discord answered ${response.status} when asked how many shards to run (GET /gateway/bot)`);
  const body = (await response.json()) as { shards?: unknown };
  if (typeof body.shards !== 'number' || !Number.isInteger(body.shards) || body.shards < 1) throw new Error('Discord did not say how many shards to run');
  return body.shards;
}

export interface RunningShards {
  readonly manager: ShardingManager;
  /** Ends every shard process (each stops cleanly on SIGTERM) and waits for them. */
  stop(): Promise<void>;
  /** Passes a signal on to every shard process (SIGHUP: re-read the content packs). */
  signal(signal: NodeJS.Signals): void;
}

/**
 * Starts one process per shard with discord.js's ShardingManager, each running
 * this same entry point (it sees SHARDING_MANAGER and serves its shard). A
 * shard process that dies is started again by the manager (`respawn`); its
 * servers' schedules are armed again by the new process, and their stored
 * data is where it was, in the shared store.
 */
export async function startShards(config: Config, log: Logger, plan: NonNullable<ReturnType<typeof shardPlan>>): Promise<RunningShards> {
  const total = plan.total === 'auto' ? await recommendedShards(config) : plan.total;
  // dist/index.js compiled; src/index.ts under tsx.
  const entry = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './index.ts' : './index.js', import.meta.url));
  const manager = new ShardingManager(entry, {
    totalShards: total,
    shardList: plan.ids,
    token: config.DISCORD_TOKEN,
    mode: 'process',
    respawn: true,
    // Under tsx (npm run dev) the children need its loader too; compiled, execArgv is empty.
    execArgv: process.execArgv,
  });
  manager.on('shardCreate', (shard: Shard) => {
    // 'spawn' comes again for each replacement process.
    shard.on('spawn', (child) => log.info({ shard: shard.id, shards: total, pid: 'pid' in child ? child.pid : undefined }, 'shard process started'));
    shard.on('death', (child) => log.warn({ shard: shard.id, exitCode: 'exitCode' in child ? child.exitCode : undefined }, 'shard process ended; starting it again'));
  });
  log.info({ shards: total, ids: plan.ids === 'auto' ? 'all' : plan.ids }, 'starting shards');
  // No ready timeout: a shard waits for Discord as long as the one-process bot does (connect.ts retries).
  await manager.spawn({ timeout: -1 });
  return {
    manager,
    signal(signal) {
      for (const shard of manager.shards.values()) shard.process?.kill(signal);
    },
    async stop() {
      const exits = [...manager.shards.values()].map((shard) => {
        const child = shard.process;
        if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        // The manager's exit listener would start the shard again; this is a stop, so it goes first.
        child.removeAllListeners('exit');
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        // SIGTERM, so each shard closes its gateway and flushes its writes as a one-process bot does.
        child.kill('SIGTERM');
        return exited;
      });
      await Promise.all(exits);
    },
  };
}
