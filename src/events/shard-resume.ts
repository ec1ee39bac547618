import { Events } from 'discord.js';
import { clientEvent } from './lib/types.js';

/** The gateway session was resumed; the events missed meanwhile were replayed. */
export const shardResume = clientEvent({
  name: Events.ShardResume,
  execute(shardId, replayedEvents, ctx) {
    ctx.log.info({ shardId, replayedEvents }, 'gateway session resumed');
  },
});
