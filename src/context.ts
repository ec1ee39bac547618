import type { Client } from 'discord.js';
import type { ChartRenderer } from './charts/index.js';
import type { Config } from './config.js';
import type { Shelf } from './content/shelf.js';
import type { Logger } from './logger.js';
import type { Recorder } from './metrics.js';
import type { Store } from './storage/store.js';
import type { Clock } from './clock.js';
import type { Cooldowns } from './cooldowns.js';
import type { QuizRunner } from './quiz/runner.js';
import type { ScheduleService } from './schedule/service.js';
import type { Standings } from './quiz/standings.js';
import type { GuildRetention } from './guilds/retention.js';

/** What every command, component and event handler receives: its dependencies, nothing global. */
export interface Context {
  readonly config: Config;
  /**
   * The articles being served (`shelf.current`, swapped whole by a reload).
   * Commands serve the channel's article: see commands/lib/article.ts.
   */
  readonly shelf: Shelf;
  readonly store: Store;
  readonly clock: Clock;
  readonly client: Client<true>;
  readonly cooldowns: Cooldowns;
  readonly quiz: QuizRunner;
  /** The in-memory mirror of each listed guild's tallies; every tally write passes it along with the store. */
  readonly standings: Standings;
  /** Creates and changes prompt schedules, storing them and re-arming their timers together. */
  readonly schedules: ScheduleService;
  /** Stops a left server's schedules, keeps its data for DATA_RETENTION_DAYS, restores it on return, deletes it after. */
  readonly retention: GuildRetention;
  /**
   * Draws the `/quiz score` and `/quiz-admin report` pictures in one worker
   * thread, with one cache: made once per start (not per connection try), and
   * closed at shutdown.
   */
  readonly charts: ChartRenderer;
  /** This bot's Prometheus metrics; the central interaction handler records each interaction's outcome. */
  readonly metrics: Recorder;
  /** A child logger carrying the interaction's guild, channel, user and command (for an event: its name). */
  readonly log: Logger;
}
