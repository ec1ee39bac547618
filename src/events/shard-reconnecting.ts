import { Events } from 'discord.js';
import { clientEvent } from './lib/types.js';

/** The gateway connection closed and discord.js is reconnecting (it resumes when it can). */
export const shardReconnecting = clientEvent({
  name: Events.ShardReconnecting,
  execute(shardId, ctx) {
    ctx.log.info({ shardId }, 'gateway reconnecting');
  },
});
