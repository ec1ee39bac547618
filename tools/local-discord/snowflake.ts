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
  return next(at - DISCORD_EPOCH);
}

/**
 * The shard that receives a guild's events when a bot runs `shardCount` shards:
 * (guild_id >> 22) % shardCount, Discord's documented formula. Ids that are not
 * snowflakes (forged '0' for a DM) land on shard 0, where Discord sends DMs.
 */
export function shardOf(guildId: string, shardCount: number): number {
  if (shardCount <= 1) return 0;
  let id: bigint;
  try {
    id = BigInt(guildId);
  } catch {
    return 0;
  }
  return Number((id >> 22n) % BigInt(shardCount));
}

/**
 * A snowflake that `shardOf` places on `shardId` of `shardCount`: its timestamp
 * is moved forward by at most `shardCount - 1` ms to the next millisecond with the
 * right remainder. It comes from the same sequence as `snowflake()`, so ids stay
 * unique and ordered.
 */
export function snowflakeOnShard(shardId: number, shardCount: number, at: number = Date.now()): string {
  if (!Number.isInteger(shardCount) || shardCount < 1 || !Number.isInteger(shardId) || shardId < 0 || shardId >= shardCount) {
    throw new RangeError(`No shard ${shardId} of ${shardCount}`);
  }
  let ms = Math.max(at - DISCORD_EPOCH, lastMs);
  ms += (((shardId - ms) % shardCount) + shardCount) % shardCount;
  const id = next(ms);
  // `next` moves on by a millisecond when one is full (4M ids); try again from there.
  return shardOf(id, shardCount) === shardId ? id : snowflakeOnShard(shardId, shardCount, lastMs + 1 + DISCORD_EPOCH);
}

function next(ms: number): string {
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
