import { Events } from 'discord.js';
import { clientEvent } from './lib/types.js';

/** A gateway connection error; discord.js reconnects by itself. */
export const shardError = clientEvent({
  name: Events.ShardError,
  execute(error, shardId, ctx) {
    ctx.log.warn({ shardId, err: error }, 'gateway connection error');
  },
});
