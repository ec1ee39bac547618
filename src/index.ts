import { startBot, type RunningBot } from './bot.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { StartCancelled } from './connect.js';
import { createLogger, type Logger } from './logger.js';
import { shardPlan, startShards, type RunningShards } from './shard-manager.js';

/** `npm start`: read the environment, start the bot, stop cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  // The configuration is checked before anything else runs: a refused one opens no storage and calls no network.
  let config;
  try {
    loadDotEnv();
    config = loadConfig(process.env);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `Could not read the configuration: ${(error as Error).message}`;
    process.stderr.write(`${message}\n\nSee .env.example for every variable and README.md for setup.\n`);
    process.exit(1);
  }
  const log = createLogger({ level: config.LOG_LEVEL });
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

  // SHARDS, SHARD_IDS or SHARD_COUNT: this process only manages one process per shard (each runs this file again).
  const plan = shardPlan(config);
  if (plan) return runShardManager(config, log, plan);

  // Signals are handled from the start: a bot still waiting for Discord stops as cleanly as a running one.
  const starting = new AbortController();
  let bot: RunningBot | undefined;
  const stop = (running: RunningBot) =>
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      },
    );
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    if (bot) void stop(bot);
    else starting.abort();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // SIGHUP re-reads the content packs, like /article reload; the outcome (and each bad pack's report) is
  // logged. Handled from the start so that an early one does not end the process (SIGHUP's default).
  process.on('SIGHUP', () => {
    if (!bot) return log.warn({ signal: 'SIGHUP' }, 'still starting: the content packs were just read, nothing to reload');
    log.info({ signal: 'SIGHUP' }, 'reloading the content packs');
    bot.services.shelf.reload().catch((error: unknown) => log.error({ err: error }, 'content reload failed'));
  });

  try {
    bot = await startBot({ config, log, signal: starting.signal });
  } catch (error) {
    if (error instanceof StartCancelled) {
      log.info('stopped before connecting');
      process.exit(0);
    }
    log.fatal({ err: error }, 'could not start');
    process.stderr.write(`Could not start: ${describeStartError(error)}\n`);
    process.exit(1);
  }
  // A signal that came after the connection was made but before the start finished.
  if (starting.signal.aborted) void stop(bot);

}

async function runShardManager(config: Config, log: Logger, plan: NonNullable<ReturnType<typeof shardPlan>>): Promise<void> {
  let shards: RunningShards | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down the shards');
    stopping = true;
    void (shards?.stop() ?? Promise.resolve()).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  process.on('SIGHUP', () => shards?.signal('SIGHUP'));
  try {
    shards = await startShards(config, log, plan);
    if (stopping) await shards.stop();
  } catch (error) {
    log.fatal({ err: error }, 'could not start the shards');
    process.stderr.write(`Could not start: ${describeStartError(error)}\n`);
    await shards?.stop();
    process.exit(1);
  }
}

function describeStartError(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string };
  // REST 401 arrives as TokenInvalid; the gateway's close 4004 as a plain Error from @discordjs/ws.
  if (e.code === 'TokenInvalid' || (e.name === 'Error' && e.message === 'Authentication failed')) return 'Discord rejected DISCORD_TOKEN. Copy a fresh token from the developer portal (your application → Bot → Reset Token).';
  return e.message ?? String(error);
}

void main();
