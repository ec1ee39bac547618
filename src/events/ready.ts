import { Events, type Client } from 'discord.js';
import { ownsGuild, runsShardZero } from '../shards.js';
import { commands } from '../commands/index.js';
import { syncCommands } from '../commands/lib/sync.js';
import type { Presence } from '../guilds/retention.js';
import { clientEvent } from './lib/types.js';

/**
 * Once, when the gateway is ready (start-up awaits it): commands are synced,
 * servers left while the bot was down are found, then the schedules are armed,
 * stored rounds are taken up again and the retention sweep starts.
 */
export const ready = clientEvent({
  name: Events.ClientReady,
  once: true,
  async execute(client, ctx) {
    const { config } = ctx;
    const applicationId = config.DISCORD_APPLICATION_ID ?? client.application.id;
    // In a sharded fleet only shard 0 registers commands: one PUT, not one per shard racing the others.
    if (runsShardZero(client)) await syncCommands(client.rest, ctx.store, commands.map((c) => c.data), { applicationId, guildId: config.DISCORD_GUILD_ID, api: config.DISCORD_API_URL }, ctx.log);
    await ctx.retention.reconcile(presenceIn(client));
    await ctx.schedules.start();
    // Rounds that were running when the bot stopped go on (those of this process's servers).
    await ctx.quiz.restore({ client, library: ctx.shelf.current, owns: ownsGuild(client) });
    await ctx.retention.start();
  },
});

/**
 * Whether the bot is in a server, going by READY. The rule: a server is
 * 'absent' (left while the bot was down) only when READY did not list it.
 * READY lists every server the bot is in, those in an outage too (as
 * `unavailable: true`); discord.js keeps them in guilds.cache with
 * `available: false`, also when their GUILD_CREATE has not come by the time it
 * declares itself ready. So an outage reads as 'member' and suspends nothing.
 * With several processes sharing the shards, a server of a shard this process
 * does not run is 'unknown': it is not this process's to judge.
 */
function presenceIn(client: Client<true>): (guildId: string) => Presence {
  const owns = ownsGuild(client);
  return (guildId) => {
    if (client.guilds.cache.has(guildId)) return 'member';
    if (!owns(guildId)) return 'unknown';
    return 'absent';
  };
}
