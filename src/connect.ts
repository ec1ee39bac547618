import { setTimeout as sleep } from 'node:timers/promises';
import { Events, type Client } from 'discord.js';
import type { Logger } from './logger.js';

/** How start-up waits between tries while Discord cannot be reached. */
export interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** How long one try may wait for the API to answer before it counts as failed. */
  attemptTimeoutMs: number;
  /**
   * How long the gateway may take to become ready once the API answered. A
   * gateway that cannot be reached (a firewall that lets HTTPS through but not
   * WebSockets) makes discord.js reconnect quietly forever; this makes it a
   * failed try that is logged like the others.
   */
  readyTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { firstDelayMs: 1000, maxDelayMs: 60_000, attemptTimeoutMs: 10_000, readyTimeoutMs: 30_000 };

/**
 * The wait after the nth failed try: 1 s, 2 s, 4 s … up to the cap, each
 * moved by up to 20 % either way so that bots restarted together (after a
 * network outage, say) do not all knock at the same moment.
 */
export function retryDelay(attempt: number, policy: Pick<RetryPolicy, 'firstDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const nominal = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(Math.min(policy.maxDelayMs, nominal * (0.8 + 0.4 * random())));
}

/** The start was stopped (SIGINT, SIGTERM) before the bot was ready. */
export class StartCancelled extends Error {
  override readonly name = 'StartCancelled';
  constructor() {
    super('the start was cancelled before the bot was ready');
  }
}

// Errors of the network below HTTP: DNS, TCP, TLS, and undici's own socket errors.
const NETWORK_CODE = /^(E[A-Z_]+|UND_ERR_\w+|ERR_TLS_\w+|CERT_\w+|UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/;

/**
 * Why a try failed, in a few words ("getaddrinfo ENOTFOUND discord.com"), when
 * the failure is one that waiting can cure: the network, a timeout, Discord
 * answering 5xx. Undefined for anything else (a rejected token, a refused
 * intent), which stops the start at once.
 */
export function transientCause(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'no answer in time';
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 500) return `Discord answered HTTP ${status}`;
  // fetch wraps the system error as its cause; with both IPv4 and IPv6 tried, the cause is an AggregateError of both.
  let cause: unknown = error.cause instanceof Error ? error.cause : error;
  if (cause instanceof AggregateError && cause.errors[0] instanceof Error) cause = cause.errors[0];
  const code = (cause as { code?: unknown }).code;
  if (typeof code !== 'string' || !NETWORK_CODE.test(code)) return undefined;
  return (cause as Error).message || code;
}

function cancellable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const cancel = () => reject(new StartCancelled());
    if (signal.aborted) return cancel();
    signal.addEventListener('abort', cancel, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', cancel));
  });
}

/** Asks the API's unauthenticated /gateway route whether it answers: no token leaves until it does. */
async function probe(url: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<string | undefined> {
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
  try {
    const response = await fetch(url, { signal: AbortSignal.any(signals) });
    await response.body?.cancel();
    if (response.ok) return undefined;
    if (response.status >= 500 || response.status === 429) return `Discord answered HTTP ${response.status}`;
    throw new Error(`${url} answered HTTP ${response.status}, which a Discord API never does here: check DISCORD_API_URL`);
  } catch (error) {
    if (signal?.aborted) throw new StartCancelled();
    if ((error as Error).name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
    const cause = transientCause(error);
    if (cause === undefined) throw error;
    return cause;
  }
}

/** The gateway did not become ready in time; the API had answered. */
class GatewayNotReady extends Error {
  constructor(readonly url: string, timeoutMs: number) {
    super(`the gateway did not become ready within ${timeoutMs / 1000} s`);
  }
}

async function login(client: Client, token: string, readyTimeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    client.once(Events.ClientReady, () => resolve());
    timer = setTimeout(() => reject(new GatewayNotReady(client.ws.gateway ?? 'the gateway', readyTimeoutMs)), readyTimeoutMs);
  });
  const loggedIn = client.login(token);
  // Awaited below; these only keep a failed or cancelled try from an unhandled rejection.
  loggedIn.catch(() => {});
  ready.catch(() => {});
  try {
    await cancellable(Promise.all([loggedIn, ready]), signal);
  } finally {
    clearTimeout(timer);
  }
}

export interface ConnectOptions {
  /** DISCORD_API_URL, or undefined for Discord itself. */
  apiUrl: string | undefined;
  token: string;
  log: Logger;
  /** A fresh client for each try, with the caller's listeners attached. */
  newClient: () => Client;
  signal?: AbortSignal | undefined;
  retry?: Partial<RetryPolicy> | undefined;
}

/**
 * Logs in, trying again with backoff for as long as Discord cannot be reached,
 * one log line per failed try (never the token). A rejected token or any other
 * refusal is thrown at once; aborting `signal` throws StartCancelled.
 */
export async function connect({ apiUrl, token, log, newClient, signal, retry }: ConnectOptions): Promise<Client<true>> {
  const policy = { ...DEFAULT_RETRY, ...retry };
  const api = (apiUrl ?? 'https://discord.com/api').replace(/\/+$/, '');
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new StartCancelled();
    let url = `${api}/v10/gateway`;
    let cause = await probe(url, policy.attemptTimeoutMs, signal);
    if (cause === undefined) {
      const client = newClient();
      try {
        await login(client, token, policy.readyTimeoutMs, signal);
        return client as Client<true>;
      } catch (error) {
        await client.destroy();
        if (signal?.aborted) throw new StartCancelled();
        if (error instanceof GatewayNotReady) {
          cause = error.message;
          url = error.url;
        } else {
          cause = transientCause(error);
          if (cause === undefined) throw error;
          url = `${api}/v10/gateway/bot`;
        }
      }
    }
    const delayMs = retryDelay(attempt, policy);
    const nextTryAt = new Date(Date.now() + delayMs).toISOString();
    log.warn({ url, cause, attempt, nextTryAt }, `Discord is not reachable at ${url} (${cause}); trying again in ${(delayMs / 1000).toFixed(1)} s, at ${nextTryAt}`);
    try {
      await sleep(delayMs, undefined, signal ? { signal } : {});
    } catch {
      throw new StartCancelled();
    }
  }
}
