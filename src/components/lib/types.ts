import type { MessageComponentInteraction } from 'discord.js';
import type { Context } from '../../context.js';

/** Handles buttons and menus whose custom id starts with `${prefix}:`; the codec for those ids lives in the same file. */
export interface ComponentHandler {
  readonly prefix: string;
  handle(interaction: MessageComponentInteraction<'cached'>, ctx: Context): Promise<void>;
}
