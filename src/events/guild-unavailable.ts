import { Events } from 'discord.js';
import { clientEvent } from './lib/types.js';

/**
 * A server is in an outage (GUILD_DELETE with `unavailable: true`). The bot is
 * still in it: schedules stay armed (a post that fails meanwhile is retried and
 * recorded as usual) and no data is touched.
 */
export const guildUnavailable = clientEvent({
  name: Events.GuildUnavailable,
  execute(guild, ctx) {
    ctx.log.warn({ guildId: guild.id }, 'a server is unavailable (Discord outage); nothing is stopped');
  },
});
