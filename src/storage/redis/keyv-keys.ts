import type { RedisClientType } from '@keyv/redis';

/*
 * The one place that knows how @keyv/redis lays out our data: a string key
 * `keyv::<our key>` (the adapter's namespace and separator, set from here when
 * the store opens) holding Keyv's JSON envelope `{"value":…}`. Prefix scans and
 * deletes, and the fenced write that ends an update, go to Redis directly
 * (Keyv has no prefix operations and no conditional write), so they must
 * encode and decode what Keyv does.
 */

/** The client createClient({ url }) makes: no modules or scripts, RESP2. */
export type Client = RedisClientType<{}, {}, {}, 2, {}>;

export const NAMESPACE = 'keyv';
export const SEPARATOR = '::';
const DATA = `${NAMESPACE}${SEPARATOR}`;
/** Lock keys live beside the data, outside the pattern any scan of data matches. */
const LOCK = `${NAMESPACE}-lock${SEPARATOR}`;

export const dataKey = (key: string): string => `${DATA}${key}`;
export const lockKey = (key: string): string => `${LOCK}${key}`;

export const encode = (value: unknown): string => JSON.stringify({ value });
export const decode = <T>(raw: string | null): T | undefined => (raw === null ? undefined : ((JSON.parse(raw) as { value: T }).value));

/** MATCH takes a glob: a prefix holding * ? [ ] or \ must match itself only. */
const globEscape = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');

const SCAN_COUNT = 1000;

/** Every data key with the prefix, once each (SCAN may return a key twice), walked page by page. */
async function* scanPages(client: Client, prefix: string): AsyncGenerator<string[]> {
  const match = `${globEscape(dataKey(prefix))}*`;
  const seen = new Set<string>();
  let cursor = '0';
  do {
    const page = await client.scan(cursor, { MATCH: match, COUNT: SCAN_COUNT, TYPE: 'string' });
    cursor = page.cursor;
    const fresh = page.keys.filter((key) => !seen.has(key));
    for (const key of fresh) seen.add(key);
    if (fresh.length > 0) yield fresh;
  } while (cursor !== '0');
}

export async function scanEntries<T>(client: Client, prefix: string): Promise<Array<[string, T]>> {
  const found: Array<[string, T]> = [];
  for await (const keys of scanPages(client, prefix)) {
    const values = await client.mGet(keys);
    keys.forEach((key, i) => {
      // Deleted between SCAN and MGET: gone, so not part of the answer.
      const raw = values[i] ?? null;
      if (raw !== null) found.push([key.slice(DATA.length), decode<T>(raw) as T]);
    });
  }
  return found;
}

/** Deletes page by page; the count is what UNLINK reports removed, so a key deleted meanwhile by someone else is not counted. */
export async function deleteEntries(client: Client, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of scanPages(client, prefix)) deleted += await client.unlink(keys);
  return deleted;
}

/**
 * The end of an update: writes (or, without a value, deletes) the key only if
 * this update still holds the key's lock, and releases the lock, in one atomic
 * step. A lock that expired may have been taken by another process, whose
 * update must not be overwritten: then nothing is written and the update fails.
 */
const WRITE_IF_HELD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] then redis.call('SET', KEYS[2], ARGV[2]) else redis.call('DEL', KEYS[2]) end
redis.call('DEL', KEYS[1])
return 1`;

export async function writeIfHeld(client: Client, key: string, token: string, next: unknown): Promise<boolean> {
  const args = next === undefined ? [token] : [token, encode(next)];
  return (await client.eval(WRITE_IF_HELD, { keys: [lockKey(key), dataKey(key)], arguments: args })) === 1;
}

export async function readRaw(client: Client, key: string): Promise<string | null> {
  return client.get(dataKey(key));
}
