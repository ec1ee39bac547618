import { ShardClientUtil, type Client } from 'discord.js';

/**
 * Which servers this process serves. Discord gives each shard the servers
 * with `(guild_id >> 22) % shard_count` equal to its id; a process running
 * some shards of a fleet (one per process under the sharding manager) owns
 * just those. Unsharded, the process owns every server.
 */
export function ownedShards(client: Client): { shards: ReadonlySet<number>; count: number } | undefined {
  const { shards, shardCount = 1 } = client.options;
  if (shardCount <= 1) return undefined;
  const ids = Array.isArray(shards) ? shards : typeof shards === 'number' ? [shards] : undefined;
  return ids ? { shards: new Set(ids), count: shardCount } : undefined;
}

/** Whether the server belongs to a shard this process runs (always, unsharded). */
export function ownsGuild(client: Client): (guildId: string) => boolean {
  return (guildId) => {
    const owned = ownedShards(client);
    return !owned || owned.shards.has(ShardClientUtil.shardIdForGuildId(guildId, owned.count));
  };
}

/** Shard 0 does the fleet's once-only work (registering the slash commands); unsharded, the one process does. */
export function runsShardZero(client: Client): boolean {
  const owned = ownedShards(client);
  return !owned || owned.shards.has(0);
}
