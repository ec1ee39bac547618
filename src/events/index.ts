import { error } from './error.js';
import { guildCreate } from './guild-create.js';
import { guildDelete } from './guild-delete.js';
import { guildUnavailable } from './guild-unavailable.js';
import { interactionCreate } from './interaction-create.js';
import type { BotEvent } from './lib/types.js';
import { rateLimited } from './rate-limited.js';
import { ready } from './ready.js';
import { shardDisconnect } from './shard-disconnect.js';
import { shardError } from './shard-error.js';
import { shardReconnecting } from './shard-reconnecting.js';
import { shardResume } from './shard-resume.js';
import { warn } from './warn.js';

/** Every event the bot handles. Start-up wires exactly this list (src/bot.ts). */
export const events: readonly BotEvent[] = [
  ready,
  interactionCreate,
  guildCreate,
  guildDelete,
  guildUnavailable,
  shardDisconnect,
  shardReconnecting,
  shardResume,
  shardError,
  error,
  warn,
  rateLimited,
];
