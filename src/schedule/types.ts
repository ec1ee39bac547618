export type RepeatKind = 'none' | 'daily' | 'weekly' | 'cron';

/**
 * How a schedule repeats. Stored daily and weekly repeats carry the cron
 * expression of their first run's local wall time (see anchorRepeat).
 */
export interface Repeat {
  kind: RepeatKind;
  cron?: string;
}

export interface LastResult {
  at: number;
  ok: boolean;
  message: string;
  /** The run this result is for. */
  runAt?: number;
  messageId?: string;
}

/** Written before posting, cleared once the outcome is recorded. */
export interface PendingRun {
  runAt: number;
  nonce: string;
}

export interface Schedule {
  /** Short and typable, unique within its guild, e.g. "k3f9". */
  id: string;
  guildId: string;
  channelId: string;
  /**
   * The id of the article the schedule posts from, fixed when it is created: a
   * later change of the channel's article does not change what it posts.
   */
  article: string;
  /** null: take the article's next prompt in the guild's rotation at each run. */
  promptId: string | null;
  repeat: Repeat;
  timeZone: string;
  /** null once a one-off has run. */
  nextRunAt: number | null;
  createdBy: string;
  createdAt: number;
  paused: boolean;
  lastResult?: LastResult;
  pendingRun?: PendingRun;
}

export const MAX_SCHEDULES_PER_GUILD = 25;

/** One key per guild, holding { [scheduleId]: Schedule }, so the limit is checked under one lock. */
export const SCHEDULES_PREFIX = 'schedules:';
export const schedulesKey = (guildId: string) => `${SCHEDULES_PREFIX}${guildId}`;
export const guildSettingsKey = (guildId: string) => `guild-settings:${guildId}`;

export type ScheduleMap = Record<string, Schedule>;

/** True while the schedule has a run to wait for. */
export const isActive = (s: Schedule) => !s.paused && s.nextRunAt !== null;

export interface RunInfo {
  runAt: number;
  /** The same for every attempt at one run, across restarts: post it with Discord's enforce_nonce. */
  nonce: string;
}

/** Posts the schedule's prompt; throws discord.js errors as they come. */
export type PostFn = (schedule: Schedule, run: RunInfo) => Promise<{ messageId: string }>;

export type RunResult =
  | { status: 'posted'; runAt: number; nonce: string; messageId: string; attempts: number }
  | { status: 'failed'; runAt: number; nonce: string; message: string; permanent: boolean; attempts: number }
  | { status: 'skipped'; runAt: number; lateMs: number; message: string };
