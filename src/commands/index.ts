import { help } from './help.js';
import type { Command, ComponentHandler } from './types.js';

/** Every slash command the bot serves. Deploy and routing both read this list. */
export const commands: readonly Command[] = [help];

/** Every button and menu family, by custom id prefix. */
export const components: readonly ComponentHandler[] = [];
