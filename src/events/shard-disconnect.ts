import { Events } from 'discord.js';
import { clientEvent } from './lib/types.js';

/**
 * The gateway closed with a code discord.js does not reconnect after (a bad
 * token, disallowed intents...). Logged with the shard id and close code only.
 */
export const shardDisconnect = clientEvent({
  name: Events.ShardDisconnect,
  execute(close, shardId, ctx) {
    ctx.log.warn({ shardId, code: close.code }, 'gateway disconnected for good');
  },
});
