import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Context } from '../../context.js';

/** A slash command: its definition and its handler, in one file. */
export interface Command {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction<'cached'>, ctx: Context): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction<'cached'>, ctx: Context): Promise<void>;
}
