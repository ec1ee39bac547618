import { StorageError } from './store.js';

/** How long opening a shared backend may take before the start gives up. */
export const OPEN_TIMEOUT_MS = 5000;

/** The URL with its password (and any password= parameter) replaced by ****, for messages and logs. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '****');
    return parsed.href;
  } catch {
    // Not parseable as a URL: mask anything between "user:" and "@" by hand.
    return url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:****@').replace(/([?&]password=)[^&]*/, '$1****');
  }
}

/** Rejects with a "no answer" error once ms have passed; the caller tears the connection down. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused: is the server running and listening at that host and port?',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
};

/**
 * The one line a start that cannot open STORAGE_URL ends with: the URL (password
 * masked) and the cause. Drivers' messages do not carry the password, but the
 * cause is scrubbed of it anyway; it is not attached as `cause`, so a logged
 * error cannot carry more than this line.
 */
export function openFailure(url: string, error: unknown): StorageError {
  const e = error as { code?: string; message?: string; errors?: unknown[] };
  // Node reports a refused connection to a name with several addresses as an AggregateError without a message.
  const code = e.code ?? (e.errors?.[0] as { code?: string } | undefined)?.code;
  let cause = (code && HINTS[code]) ?? e.message ?? String(error);
  if (!cause) cause = code ?? 'unknown error';
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // no password to scrub
  }
  if (password) cause = cause.replaceAll(password, '****');
  return new StorageError(`Cannot open STORAGE_URL ${maskUrl(url)}: ${cause.replace(/\s*\n\s*/g, ' ')}`);
}
