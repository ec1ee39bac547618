import { Events, type Client } from 'discord.js';
import { createClient } from './client.js';
import type { Config } from './config.js';
import { loadContent } from './content/loader.js';
import type { Context } from './context.js';
import { Cooldowns } from './cooldowns.js';
import { events } from './events/index.js';
import { registerEvents } from './events/lib/register.js';
import { GuildRetention } from './guilds/retention.js';
import type { Logger } from './logger.js';
import { systemClock, type Clock } from './clock.js';
import { schedulePoster } from './prompts/post.js';
import { QuizRunner } from './quiz/runner.js';
import { Standings } from './quiz/standings.js';
import { warmStandings } from './quiz/tallies.js';
import { ScheduleService } from './schedule/service.js';
import { openStore } from './storage/open.js';

const DAY_MS = 24 * 60 * 60_000;

export interface StartOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
}

export interface RunningBot {
  readonly client: Client<true>;
  readonly services: Context;
  /** Closes the gateway, then the storage once pending writes are flushed. */
  stop(): Promise<void>;
}

/**
 * Starts the bot: content → storage → services → events → login → the ready
 * event's work (command sync, servers left while down, schedules, retention
 * sweep). `npm start` calls this.
 */
export async function startBot({ config, log, clock = systemClock }: StartOptions): Promise<RunningBot> {
  const started = performance.now();
  const content = await loadContent(config.CONTENT_DIR, log);
  const store = await openStore(config.STORAGE_URL, log);
  const client = createClient(config.DISCORD_API_URL);
  // The services hold the client before it is logged in; nothing uses it as ready before the
  // ready event, because discord.js holds back every other dispatch until then.
  const readyClient = client as Client<true>;
  const standings = new Standings(clock);
  const quiz = new QuizRunner({ store, standings, content, clock, log });
  const schedules = new ScheduleService({
    store,
    clock,
    log: log.child({ component: 'scheduler' }),
    graceMs: config.PROMPT_GRACE_MINUTES * 60_000,
    post: schedulePoster(readyClient, content, store),
    defaultTimeZone: config.DEFAULT_TIMEZONE,
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
  const services: Context = { config, content, store, clock, client: readyClient, cooldowns: new Cooldowns(), quiz, standings, schedules, retention, log };
  const wired = registerEvents(client, events, services);

  const shutDown = async () => {
    wired.remove();
    retention.stop();
    quiz.close();
    await schedules.stop();
    await retention.idle();
    await client.destroy();
    await store.close();
  };
  try {
    await client.login(config.DISCORD_TOKEN);
    await wired.ran(Events.ClientReady);
  } catch (error) {
    await shutDown();
    throw error;
  }
  log.info({ user: readyClient.user.tag, guilds: client.guilds.cache.size, ms: Math.round(performance.now() - started) }, 'ready');
  let stopped = false;
  const warming = warmStandings(services, [...client.guilds.cache.keys()], () => stopped).then(
    (guilds) => log.debug({ guilds }, 'standings warmed'),
    (error: unknown) => log.warn({ err: error }, 'could not warm the standings; the first leaderboard will read storage'),
  );

  let stopping: Promise<void> | undefined;
  return {
    client: readyClient,
    services,
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
