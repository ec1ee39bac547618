import { ApplicationCommandOptionType, MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import type { Command } from './commands/lib/types.js';
import type { ComponentHandler } from './components/lib/types.js';
import type { Context } from './context.js';
import { UserError } from './errors.js';
import type { Logger } from './logger.js';
import type { InteractionOutcome } from './metrics.js';

export const APOLOGY = 'Sorry, something went wrong on our side. It has been logged; please try again in a moment.';
export const MALFORMED = 'That command arrived without an option it needs, or with one of the wrong kind (your Discord app may show an older version of it). Pick it again from the command list.';

/**
 * discord.js throws these when a payload's options do not match what the handler
 * reads (a stale client-side definition, or a forged payload): bad input, not a bug.
 */
const MALFORMED_OPTION_CODES = new Set([
  'CommandInteractionOptionNotFound',
  'CommandInteractionOptionType',
  'CommandInteractionOptionEmpty',
  'CommandInteractionOptionNoSubcommand',
  'CommandInteractionOptionNoSubcommandGroup',
  'CommandInteractionOptionInvalidChannelType',
]);
const isMalformedOptions = (error: unknown): boolean =>
  error instanceof Error && MALFORMED_OPTION_CODES.has(String((error as { code?: unknown }).code));

export interface Registry {
  readonly commands: readonly Command[];
  readonly components: readonly ComponentHandler[];
}

type Services = Omit<Context, 'log'> & { log: Logger };

function describe(interaction: Interaction): string {
  if (interaction.isChatInputCommand()) {
    const sub = interaction.options.getSubcommand(false);
    return sub ? `/${interaction.commandName} ${sub}` : `/${interaction.commandName}`;
  }
  if (interaction.isAutocomplete()) return `/${interaction.commandName} (autocomplete)`;
  if (interaction.isMessageComponent()) return `component ${interaction.customId.split(':')[0] ?? ''}`;
  return `interaction type ${interaction.type}`;
}

/**
 * The metric label of an interaction: "/quiz start", "/excerpt (autocomplete)",
 * "component quiz". Only names from the registry are used, so a forged
 * payload cannot add label values (each one is a new series in Prometheus).
 */
function metricLabel(interaction: Interaction, commands: ReadonlyMap<string, Command>, components: ReadonlyMap<string, ComponentHandler>): string {
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) {
    const command = commands.get(interaction.commandName);
    if (!command) return 'unknown';
    const sub = interaction.options.getSubcommand(false);
    const known = sub && command.data.options?.some((o) => o.type === ApplicationCommandOptionType.Subcommand && o.name === sub);
    return `/${command.data.name}${known ? ` ${sub}` : ''}${interaction.isAutocomplete() ? ' (autocomplete)' : ''}`;
  }
  if (interaction.isMessageComponent()) {
    const prefix = interaction.customId.split(':')[0] ?? '';
    return components.has(prefix) ? `component ${prefix}` : 'unknown';
  }
  return 'unknown';
}

function outcomeOf(error: unknown): InteractionOutcome {
  if (error instanceof UserError) return 'refused';
  return isMalformedOptions(error) ? 'malformed' : 'error';
}

/**
 * The one place that routes interactions, answers failures, logs them and
 * counts them. Handlers throw UserError for what the user can fix; anything
 * else is a bug.
 */
export function createInteractionHandler(registry: Registry) {
  const commands = new Map(registry.commands.map((c) => [c.data.name, c]));
  const components = new Map(registry.components.map((c) => [c.prefix, c]));

  return async function handleInteraction(interaction: Interaction, services: Services): Promise<void> {
    const started = performance.now();
    let outcome: InteractionOutcome = 'ok';
    // The child logger is made only when something logs: pino serialises its bindings at creation,
    // and most interactions log nothing at the default level.
    let log: Logger | undefined;
    const childLog = () =>
      (log ??= services.log.child({
        interactionId: interaction.id,
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        userId: interaction.user.id,
        command: describe(interaction),
      }));
    const ctx = Object.defineProperty({ ...services }, 'log', { get: childLog, enumerable: true }) as Context;
    try {
      if (!interaction.inCachedGuild()) {
        throw new UserError('This bot works inside servers it has been added to. Add it to your server, then use its commands there.');
      }
      if (interaction.isAutocomplete()) {
        const command = commands.get(interaction.commandName);
        if (command?.autocomplete) await command.autocomplete(interaction, ctx);
        else await interaction.respond([]);
        return;
      }
      if (interaction.isChatInputCommand()) {
        const command = commands.get(interaction.commandName);
        if (!command) throw new UserError('That command is not known here any more. It may have been removed in an update.');
        await command.execute(interaction, ctx);
        if (services.log.isLevelEnabled('debug')) childLog().debug('command handled');
        return;
      }
      if (interaction.isMessageComponent()) {
        const handler = components.get(interaction.customId.split(':')[0] ?? '');
        if (!handler) throw new UserError('This button is no longer active.');
        await handler.handle(interaction, ctx);
      }
    } catch (error) {
      outcome = outcomeOf(error);
      await answerFailure(interaction, error, outcome, childLog());
    } finally {
      services.metrics.interaction(metricLabel(interaction, commands, components), outcome, (performance.now() - started) / 1000);
    }
  };
}

async function answerFailure(interaction: Interaction, error: unknown, outcome: InteractionOutcome, log: Logger): Promise<void> {
  const expected = outcome === 'refused';
  const malformed = outcome === 'malformed';
  if (expected) log.info({ reason: (error as Error).message }, 'refused');
  else if (malformed) log.warn({ reason: (error as Error).message }, 'refused malformed options');
  else log.error({ err: error }, 'interaction failed');
  if (interaction.isAutocomplete()) {
    if (!interaction.responded) await interaction.respond([]).catch(() => {});
    return;
  }
  if (!interaction.isRepliable()) return;
  const content = expected ? (error as UserError).message : malformed ? MALFORMED : APOLOGY;
  try {
    await reply(interaction, content);
  } catch (replyError) {
    log.warn({ err: replyError }, 'could not tell the user about the failure');
  }
}

async function reply(interaction: RepliableInteraction, content: string): Promise<void> {
  const message = { content };
  if (interaction.deferred && !interaction.replied) await interaction.editReply(message);
  else if (interaction.replied) await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
  else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
}
