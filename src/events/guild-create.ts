import { Events } from 'discord.js';
import { clientEvent } from './lib/types.js';

/**
 * The bot was added to a server (discord.js emits this only for a server new
 * to its cache, not for one coming back from an outage). If the bot left it
 * within the retention, its data and schedules are restored.
 */
export const guildCreate = clientEvent({
  name: Events.GuildCreate,
  async execute(guild, ctx) {
    const result = await ctx.retention.returned(guild.id);
    if (result.kind === 'new') ctx.log.info({ guildId: guild.id }, 'added to a server');
    else if (result.kind === 'expired') ctx.log.info({ guildId: guild.id, awayMs: result.awayMs }, 'added back to a server after the retention: it starts afresh');
  },
});
