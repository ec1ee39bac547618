import type { Result } from './router.js';

export interface FailOptions {
  status: 400 | 401 | 403 | 404 | 429 | 500 | 502 | 503 | number;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** 429 only: seconds to wait (float, default 1). */
  retryAfter?: number;
  /** 429 only: a global rate limit (default false). */
  global?: boolean;
  /** 429 only: X-RateLimit-Scope (default 'user'). */
  scope?: 'user' | 'shared' | 'global';
  /** JSON error code (defaults: 403 -> 50013, 404 -> 10003, 400 -> 50035). */
  code?: number;
  message?: string;
  /**
   * Run the request first, then answer with the failure (the effect happens but
   * the bot sees an error, like a timeout after Discord applied the change).
   */
  after?: boolean;
}

interface Fail {
  route: string;
  spec: FailOptions;
  remaining: number;
}

interface Delay {
  route: string;
  ms: number;
  remaining: number;
}

const DEFAULT_CODES: Record<number, [number, string]> = {
  400: [50035, 'Invalid Form Body'],
  401: [0, '401: Unauthorized'],
  403: [50013, 'Missing Permissions'],
  404: [10003, 'Unknown Channel'],
  500: [0, '500: Internal Server Error'],
};

const MESSAGES: Record<number, string> = {
  50001: 'Missing Access',
  50013: 'Missing Permissions',
  10003: 'Unknown Channel',
  10008: 'Unknown Message',
  10062: 'Unknown interaction',
  40060: 'Interaction has already been acknowledged.',
  50035: 'Invalid Form Body',
};

/** Route pattern: an exact templated route ('POST /channels/:id/messages') or '*'. */
const matches = (pattern: string, route: string): boolean => pattern === '*' || pattern === route;

export class Faults {
  #fails: Fail[] = [];
  #delays: Delay[] = [];

  get active(): boolean {
    return this.#fails.length > 0 || this.#delays.length > 0;
  }

  failNext(route: string, spec: FailOptions): void {
    this.#fails.push({ route, spec, remaining: spec.count ?? 1 });
  }

  delay(route: string, ms: number, count = Number.POSITIVE_INFINITY): void {
    this.#delays = this.#delays.filter((d) => d.route !== route);
    if (ms > 0) this.#delays.push({ route, ms, remaining: count });
  }

  clear(): void {
    this.#fails = [];
    this.#delays = [];
  }

  delayFor(route: string): number {
    for (const d of this.#delays) {
      if (matches(d.route, route)) {
        if (--d.remaining <= 0) this.#delays.splice(this.#delays.indexOf(d), 1);
        return d.ms;
      }
    }
    return 0;
  }

  take(route: string): FailOptions | undefined {
    for (const f of this.#fails) {
      if (matches(f.route, route)) {
        if (--f.remaining <= 0) this.#fails.splice(this.#fails.indexOf(f), 1);
        return f.spec;
      }
    }
    return undefined;
  }
}

export function failureResult(spec: FailOptions, route: string): Result {
  const status = spec.status;
  if (status === 429) {
    const retryAfter = spec.retryAfter ?? 1;
    const global = spec.global ?? false;
    const headers: Record<string, string> = {
      'retry-after': String(retryAfter),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
      'x-ratelimit-reset-after': retryAfter.toFixed(3),
      'x-ratelimit-bucket': bucketHash(route),
      'x-ratelimit-scope': spec.scope ?? (global ? 'global' : 'user'),
    };
    if (global) headers['x-ratelimit-global'] = 'true';
    const json: Record<string, unknown> = { message: spec.message ?? 'You are being rate limited.', retry_after: retryAfter, global };
    if (spec.code !== undefined) json.code = spec.code;
    return { status, json, headers };
  }
  if (status === 502 || status === 503) {
    return { status, raw: { data: Buffer.from(`<html><body>${status} Bad Gateway</body></html>`), contentType: 'text/html' } };
  }
  const [defCode, defMessage] = DEFAULT_CODES[status] ?? [0, `${status}: Error`];
  const code = spec.code ?? defCode;
  const message = spec.message ?? (spec.code !== undefined ? MESSAGES[spec.code] : undefined) ?? defMessage;
  return { status, json: { message, code } };
}

function bucketHash(route: string): string {
  let h = 0;
  for (let i = 0; i < route.length; i++) h = (h * 31 + route.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16).padStart(8, '0');
}
