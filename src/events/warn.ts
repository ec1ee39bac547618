import { Events } from 'discord.js';
import { clientEvent } from './lib/types.js';

/** A warning discord.js reports about itself. */
export const warn = clientEvent({
  name: Events.Warn,
  execute(message, ctx) {
    ctx.log.warn(message);
  },
});
