import { Events } from 'discord.js';
import { clientEvent } from './lib/types.js';

/**
 * The bot was removed from a server (kicked, or the server deleted): its
 * schedules stop at once and its data is kept for DATA_RETENTION_DAYS.
 */
export const guildDelete = clientEvent({
  name: Events.GuildDelete,
  async execute(guild, ctx) {
    // An outage is not a removal. Discord marks it `unavailable: true` and discord.js then
    // emits guildUnavailable instead, keeping the server cached; this checks the cache rather
    // than guild.available, which stays false on a server removed during an outage.
    if (ctx.client.guilds.cache.has(guild.id)) {
      ctx.log.warn({ guildId: guild.id }, 'a server is unavailable, not left: nothing is stopped');
      return;
    }
    await ctx.retention.left(guild.id);
  },
});
