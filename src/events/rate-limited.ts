import { restEvent } from './lib/types.js';

/** The REST manager is waiting out a rate limit (it retries by itself). */
export const rateLimited = restEvent({
  name: 'rateLimited',
  execute(info, ctx) {
    ctx.log.warn({ route: info.route, retryAfter: info.retryAfter, global: info.global }, 'rate limited by Discord');
  },
});
