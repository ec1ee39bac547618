import { randomBytes } from 'node:crypto';

/** Discord epoch (2015-01-01T00:00:00.000Z). */
export const DISCORD_EPOCH = 1420070400000;

let lastMs = 0;
let counter = 0;
let base = 0n;

/**
 * Generates unique, time-ordered 19-digit snowflakes like Discord's.
 * @discordjs/rest only recognises 17-19 digit ids as major parameters, so the
 * shape matters for its rate-limit bucketing.
 */
export function snowflake(at: number = Date.now()): string {
  const ms = at - DISCORD_EPOCH;
  if (ms > lastMs) {
    lastMs = ms;
    counter = 0;
    base = BigInt(ms) << 22n;
  } else {
    counter += 1;
    if (counter >= 1 << 22) {
      lastMs += 1;
      counter = 0;
      base = BigInt(lastMs) << 22n;
    }
  }
  return (base | BigInt(counter)).toString();
}

export function snowflakeTimestamp(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH;
}

/** A random URL-safe token like Discord's interaction tokens. */
let pool = Buffer.alloc(0);
let offset = 0;

/** Random base64url text; draws from a pooled buffer (one crypto call per ~256 tokens). */
export function randomToken(bytes = 32): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(Math.max(8192, bytes));
    offset = 0;
  }
  const s = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return s;
}
