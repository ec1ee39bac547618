import { Events, type Client } from 'discord.js';
import { createClient } from './client.js';
import { commands, components } from './commands/index.js';
import { syncCommands } from './commands/lib/sync.js';
import type { Config } from './config.js';
import { connect, type RetryPolicy } from './connect.js';
import { loadContent } from './content/loader.js';
import type { Context } from './context.js';
import { Cooldowns } from './cooldowns.js';
import { checkHealth, readGateway } from './health.js';
import { createInteractionHandler } from './interactions.js';
import type { Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { startMonitorServer, type MonitorServer } from './monitor-server.js';
import { systemClock, type Clock } from './clock.js';
import { schedulePoster } from './prompts/post.js';
import { QuizRunner } from './quiz/runner.js';
import { Standings } from './quiz/standings.js';
import { ScheduleService } from './schedule/service.js';
import { openStore } from './storage/open.js';
import { timeStore } from './storage/timed.js';

export interface StartOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
  /** Aborting it stops a start still waiting for Discord (StartCancelled is thrown). */
  signal?: AbortSignal;
  /** The wait between tries while Discord cannot be reached (default 1 s doubling to 60 s). */
  retry?: Partial<RetryPolicy>;
}

export interface RunningBot {
  readonly client: Client<true>;
  readonly services: Omit<Context, 'log'> & { log: Logger };
  /** The /healthz and /metrics server, when METRICS_PORT is set. */
  readonly monitor: MonitorServer | undefined;
  /** Closes the gateway, then the storage once pending writes are flushed. */
  stop(): Promise<void>;
}

/**
 * Starts the bot: content → storage → monitor server → Discord (tried again
 * until reachable) → command sync. `npm start` calls this with a Config that
 * already passed validation, so nothing here runs on a refused configuration.
 */
export async function startBot({ config, log, clock = systemClock, signal, retry }: StartOptions): Promise<RunningBot> {
  const started = performance.now();
  const content = await loadContent(config.CONTENT_DIR, log);
  const metrics = new Metrics({ processMetrics: config.METRICS_PORT !== undefined });
  const store = timeStore(await openStore(config.STORAGE_URL, log), metrics.storageOp);
  let connected: Client | undefined;
  metrics.watchGateway(() => readGateway(connected));
  let monitor: MonitorServer | undefined;
  try {
    if (config.METRICS_PORT !== undefined) {
      monitor = await startMonitorServer({
        host: config.METRICS_HOST,
        port: config.METRICS_PORT,
        metrics,
        health: () => checkHealth(connected, store),
        log,
      });
    }
    connected = await connect({
      apiUrl: config.DISCORD_API_URL,
      token: config.DISCORD_TOKEN,
      log,
      signal,
      retry,
      newClient: () => {
        const client = createClient(config.DISCORD_API_URL);
        client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
        client.on(Events.Warn, (message) => log.warn(message));
        client.rest.on('rateLimited', (info) => log.warn({ route: info.route, retryAfter: info.retryAfter, global: info.global }, 'rate limited by Discord'));
        return client;
      },
    });
  } catch (error) {
    await monitor?.close();
    await store.close();
    throw error;
  }
  const client = connected as Client<true>;
  const standings = new Standings(clock);
  const quiz = new QuizRunner({ store, standings, content, clock, log });
  const schedules = new ScheduleService({
    store,
    clock,
    log: log.child({ component: 'scheduler' }),
    graceMs: config.PROMPT_GRACE_MINUTES * 60_000,
    post: schedulePoster(client, content, store),
    defaultTimeZone: config.DEFAULT_TIMEZONE,
    onResult: (_, result) => metrics.scheduledPost(result.status),
  });
  const services = { config, content, store, clock, client, cooldowns: new Cooldowns(), quiz, standings, schedules, metrics, log };

  const handle = createInteractionHandler({ commands, components }, services);
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));
  const close = async () => {
    client.removeAllListeners(Events.InteractionCreate);
    quiz.close();
    await schedules.stop();
    await monitor?.close();
    await client.destroy();
    await store.close();
  };

  try {
    const applicationId = config.DISCORD_APPLICATION_ID ?? client.application.id;
    await syncCommands(client.rest, store, commands.map((c) => c.data), { applicationId, guildId: config.DISCORD_GUILD_ID, api: config.DISCORD_API_URL }, log);
    await schedules.start();
  } catch (error) {
    await close();
    throw error;
  }
  log.info({ user: client.user.tag, guilds: client.guilds.cache.size, ms: Math.round(performance.now() - started) }, 'ready');

  let stopping: Promise<void> | undefined;
  return {
    client,
    services,
    monitor,
    stop() {
      stopping ??= close().then(() => log.info('stopped'));
      return stopping;
    },
  };
}
