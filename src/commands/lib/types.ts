import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageComponentInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Context } from '../../context.js';

/** A slash command: its definition and its handler, in one file. */
export interface Command {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction<'cached'>, ctx: Context): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction<'cached'>, ctx: Context): Promise<void>;
}

/** Handles buttons and menus whose custom id starts with `${prefix}:`. */
export interface ComponentHandler {
  readonly prefix: string;
  handle(interaction: MessageComponentInteraction<'cached'>, ctx: Context): Promise<void>;
}
