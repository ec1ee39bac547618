import { Events } from 'discord.js';
import { clientEvent } from './lib/types.js';

/** An error discord.js reports about itself. */
export const error = clientEvent({
  name: Events.Error,
  execute(err, ctx) {
    ctx.log.error({ err }, 'discord client error');
  },
});
