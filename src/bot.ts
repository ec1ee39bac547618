import { Events, type Client } from 'discord.js';
import { createChartRenderer, type ChartRenderer } from './charts/index.js';
import { createClient } from './client.js';
import type { Config } from './config.js';
import { connect, type RetryPolicy } from './connect.js';
import { loadLibrary } from './content/library.js';
import { Shelf } from './content/shelf.js';
import { migrateToArticleRefs } from './migrations/article-refs.js';
import type { Context } from './context.js';
import { Cooldowns } from './cooldowns.js';
import { events } from './events/index.js';
import { registerEvents, type WiredEvents } from './events/lib/register.js';
import { GuildRetention } from './guilds/retention.js';
import { checkHealth, readGateway } from './health.js';
import type { Logger } from './logger.js';
import { noMetrics, type Recorder } from './metrics.js';
import { startMonitorServer, type MonitorServer } from './monitor-server.js';
import { systemClock, type Clock } from './clock.js';
import { schedulePoster } from './prompts/post.js';
import { ownsGuild } from './shards.js';
import { QuizRunner } from './quiz/runner.js';
import { Standings } from './quiz/standings.js';
import { warmStandings } from './quiz/tallies.js';
import { ScheduleService } from './schedule/service.js';
import { openStore } from './storage/open.js';
import type { Store } from './storage/store.js';
import { timeStore } from './storage/timed.js';

const DAY_MS = 24 * 60 * 60_000;

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
  readonly services: Context;
  /** The /healthz and /metrics server, when METRICS_PORT is set. */
  readonly monitor: MonitorServer | undefined;
  /** Closes the gateway, then the storage once pending writes are flushed. */
  stop(): Promise<void>;
}

interface Wiring {
  services: Context;
  wired: WiredEvents;
}

/** The services around one client, with the event list wired to it before it logs in. */
function wire(client: Client, shared: { config: Config; shelf: Shelf; store: Store; clock: Clock; metrics: Recorder; charts: ChartRenderer; log: Logger }): Wiring {
  const { config, shelf, store, clock, metrics, charts, log } = shared;
  // The services hold the client before it is logged in; nothing uses it as ready before the
  // ready event, because discord.js holds back every other dispatch until then.
  const readyClient = client as Client<true>;
  const standings = new Standings(clock);
  const quiz = new QuizRunner({ store, standings, clock, log });
  const schedules = new ScheduleService({
    store,
    clock,
    log: log.child({ component: 'scheduler' }),
    graceMs: config.PROMPT_GRACE_MINUTES * 60_000,
    post: schedulePoster(readyClient, () => shelf.current, store),
    defaultTimeZone: config.DEFAULT_TIMEZONE,
    onResult: (_, result) => metrics.scheduledPost(result.status),
    owns: ownsGuild(readyClient),
  });
  const retention = new GuildRetention({
    store,
    clock,
    log: log.child({ component: 'retention' }),
    schedules,
    standings,
    quiz,
    retentionMs: config.DATA_RETENTION_DAYS * DAY_MS,
  });
  const services: Context = { config, shelf, store, clock, client: readyClient, cooldowns: new Cooldowns(), quiz, standings, schedules, retention, charts, metrics, log };
  return { services, wired: registerEvents(client, events, services) };
}

/**
 * Starts the bot: content → storage → monitor server → Discord (tried again
 * until reachable, the events wired to each client before it logs in) → the
 * ready event's work (command sync, servers left while down, schedules,
 * retention sweep). `npm start` calls this with a Config that already passed
 * validation, so nothing here runs on a refused configuration.
 */
export async function startBot({ config, log, clock = systemClock, signal, retry }: StartOptions): Promise<RunningBot> {
  const started = performance.now();
  const shelf = new Shelf(await loadLibrary(config.CONTENT_DIR, log), log);
  // Off by default: then nothing is timed or counted, and prom-client is never loaded.
  const prometheus = config.METRICS_PORT === undefined ? undefined : new (await import('./metrics-prometheus.js')).Metrics({ processMetrics: true });
  const metrics: Recorder = prometheus ?? noMetrics;
  const opened = await openStore(config.STORAGE_URL, log);
  const store = prometheus ? timeStore(opened, prometheus.storageOp) : opened;
  try {
    await migrateToArticleRefs(store, shelf.current, log);
  } catch (error) {
    await store.close();
    throw error;
  }
  // Its worker thread starts with the first chart, so a bot nobody asks for one never starts it.
  const charts = createChartRenderer();
  let connected: Client | undefined;
  let current: Wiring | undefined;
  metrics.watchGateway(() => readGateway(connected));
  let monitor: MonitorServer | undefined;

  const shutDown = async () => {
    if (current) {
      const { services, wired } = current;
      wired.remove();
      services.retention.stop();
      services.quiz.close();
      await services.schedules.stop();
      await services.retention.idle();
    }
    // The events are unwired, so no interaction asks for a chart any more; one still drawing resolves as
    // `closed` while the client can still send its words with the note.
    await charts.close();
    await monitor?.close();
    await connected?.destroy();
    await store.close();
  };
  try {
    if (prometheus && config.METRICS_PORT !== undefined) {
      monitor = await startMonitorServer({ host: config.METRICS_HOST, port: config.METRICS_PORT, metrics: prometheus, health: () => checkHealth(connected, store), log });
    }
    connected = await connect({
      apiUrl: config.DISCORD_API_URL,
      token: config.DISCORD_TOKEN,
      log,
      signal,
      retry,
      // Each try gets a fresh client; the previous try's listeners go with it.
      newClient: () => {
        current?.wired.remove();
        const client = createClient(config.DISCORD_API_URL);
        current = wire(client, { config, shelf, store, clock, metrics, charts, log });
        return client;
      },
    });
    await current!.wired.ran(Events.ClientReady);
  } catch (error) {
    await shutDown();
    throw error;
  }
  const client = connected as Client<true>;
  const { services } = current!;
  log.info({ user: client.user.tag, guilds: client.guilds.cache.size, ms: Math.round(performance.now() - started) }, 'ready');
  let stopped = false;
  const warming = warmStandings(services, [...client.guilds.cache.keys()], () => stopped).then(
    (guilds) => log.debug({ guilds }, 'standings warmed'),
    (error: unknown) => log.warn({ err: error }, 'could not warm the standings; the first leaderboard will read storage'),
  );

  let stopping: Promise<void> | undefined;
  return {
    client,
    services,
    monitor,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        await warming;
        await shutDown();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
