import { Events, type Client } from 'discord.js';
import { createClient } from './client.js';
import { commands, components } from './commands/index.js';
import { syncCommands } from './commands/lib/sync.js';
import type { Config } from './config.js';
import { loadContent } from './content/loader.js';
import type { Context } from './context.js';
import { Cooldowns } from './cooldowns.js';
import { createInteractionHandler } from './interactions.js';
import type { Logger } from './logger.js';
import { systemClock, type Clock } from './clock.js';
import { schedulePoster } from './prompts/post.js';
import { QuizRunner } from './quiz/runner.js';
import { Standings } from './quiz/standings.js';
import { warmStandings } from './quiz/tallies.js';
import { ScheduleService } from './schedule/service.js';
import { openStore } from './storage/open.js';

export interface StartOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
}

export interface RunningBot {
  readonly client: Client<true>;
  readonly services: Omit<Context, 'log'> & { log: Logger };
  /** Closes the gateway, then the storage once pending writes are flushed. */
  stop(): Promise<void>;
}

/** Starts the bot: content → storage → client → ready → command sync. `npm start` calls this. */
export async function startBot({ config, log, clock = systemClock }: StartOptions): Promise<RunningBot> {
  const started = performance.now();
  const content = await loadContent(config.CONTENT_DIR, log);
  const store = await openStore(config.STORAGE_URL, log);
  const client = createClient(config.DISCORD_API_URL);
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn(message));
  client.rest.on('rateLimited', (info) => log.warn({ route: info.route, retryAfter: info.retryAfter, global: info.global }, 'rate limited by Discord'));

  try {
    const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(config.DISCORD_TOKEN);
    await ready;
  } catch (error) {
    await client.destroy();
    await store.close();
    throw error;
  }
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
  const services = { config, content, store, clock, client: readyClient, cooldowns: new Cooldowns(), quiz, standings, schedules, log };

  const handle = createInteractionHandler({ commands, components }, services);
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));

  const applicationId = config.DISCORD_APPLICATION_ID ?? readyClient.application.id;
  await syncCommands(client.rest, store, commands.map((c) => c.data), { applicationId, guildId: config.DISCORD_GUILD_ID, api: config.DISCORD_API_URL }, log);
  await schedules.start();
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
        client.removeAllListeners(Events.InteractionCreate);
        quiz.close();
        await schedules.stop();
        await client.destroy();
        await store.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
