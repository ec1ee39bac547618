import { Events } from 'discord.js';
import { commands, components } from '../commands/index.js';
import { createInteractionHandler } from '../interactions.js';
import { clientEvent } from './lib/types.js';

const handle = createInteractionHandler({ commands, components });

/** Commands, autocomplete and buttons, through the central handler (which owns their errors and logging). */
export const interactionCreate = clientEvent({
  name: Events.InteractionCreate,
  execute: (interaction, ctx) => handle(interaction, ctx),
});
