import { createHash } from 'node:crypto';

/**
 * The nonce a run is posted with: the same for every attempt and restart of one
 * run, different across runs and guilds, at most 25 characters (Discord's limit).
 */
export function runNonce(guildId: string, scheduleId: string, runAt: number): string {
  const guild = createHash('sha256').update(guildId).digest('hex').slice(0, 8);
  return `${scheduleId}-${runAt.toString(36)}-${guild}`.slice(0, 25);
}

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

export interface PostFailure {
  /** Worth retrying soon: 5xx, 429 or a network error. */
  transient: boolean;
  /** Shown to server admins in /prompt list. */
  message: string;
}

type ErrorFields = { status?: unknown; code?: unknown; name?: unknown; message?: unknown; cause?: unknown };

/**
 * Sorts a failed post by the fields discord.js errors carry: DiscordAPIError has
 * `status` (HTTP) and a numeric `code` (Discord's JSON code), HTTPError has
 * `status`, network errors have a string `code` (sometimes on `cause`).
 */
export function classifyPostError(error: unknown, channelId: string): PostFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorFields;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const channel = `<#${channelId}>`;
  if (e.code === 50013) return { transient: false, message: `missing permission in ${channel}` };
  if (e.code === 50001) return { transient: false, message: `no access to ${channel}` };
  if (e.code === 10003) return { transient: false, message: 'channel no longer exists' };
  if (status === 429 || (status !== undefined && status >= 500)) return { transient: true, message: `Discord answered ${status}` };
  if (status === 403) return { transient: false, message: `missing permission in ${channel}` };
  if (status === 404) return { transient: false, message: 'channel no longer exists' };
  const network = networkCode(e) ?? networkCode((e.cause ?? {}) as ErrorFields);
  if (network) return { transient: true, message: `network error (${network})` };
  const text = typeof e.message === 'string' ? e.message : String(error);
  return { transient: false, message: `could not post: ${status ? `HTTP ${status}: ` : ''}${text}`.slice(0, 300) };
}

function networkCode(e: ErrorFields): string | undefined {
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  // discord.js aborts a request that times out.
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return e.name;
  return undefined;
}
