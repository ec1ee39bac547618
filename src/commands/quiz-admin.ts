import { randomBytes } from 'node:crypto';
import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, MessageFlags, PermissionFlagsBits, time, TimestampStyles } from 'discord.js';
import { UserError } from '../errors.js';
import { talliesToCsv } from '../quiz/csv.js';
import { listTallies, resetTallies } from '../quiz/tallies.js';
import { plural } from '../render/text.js';
import { guildCommand } from './lib/definition.js';
import type { Command, ComponentHandler } from './lib/types.js';

const CONFIRM_MS = 60_000;
const confirmKey = (guildId: string) => `reset-confirmation:${guildId}`;

const data = guildCommand('quiz-admin', 'Export or reset this server’s quiz tallies')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((s) => s.setName('export').setDescription('Download every tally as a CSV file'))
  .addSubcommand((s) => s.setName('reset').setDescription('Clear every tally in this server (asks to confirm)'))
  .toJSON();

function requireManageServer(permissions: { has(flag: bigint): boolean }): void {
  // Discord hides the command from others, but a button's custom id can be replayed by anyone.
  if (!permissions.has(PermissionFlagsBits.ManageGuild)) throw new UserError('Only people who can manage this server can do that.');
}

export const quizAdmin: Command = {
  data,
  async execute(interaction, ctx) {
    requireManageServer(interaction.memberPermissions);
    const tallies = await listTallies(ctx.store, interaction.guildId);
    if (interaction.options.getSubcommand() === 'export') {
      if (tallies.length === 0) throw new UserError('No one has answered a quiz question in this server yet, so there is nothing to export.');
      const day = new Date(ctx.clock.now()).toISOString().slice(0, 10);
      // The byte-order mark makes spreadsheet programs read non-ASCII names correctly.
      const file = new AttachmentBuilder(Buffer.from(`\uFEFF${talliesToCsv(tallies)}`, 'utf8'), { name: `quiz-tallies-${day}.csv` });
      await interaction.reply({ content: `Quiz tallies of ${plural(tallies.length, 'person', 'people')}.`, files: [file], flags: MessageFlags.Ephemeral });
      return;
    }
    if (tallies.length === 0) throw new UserError('There are no tallies to reset in this server.');
    const expires = ctx.clock.now() + CONFIRM_MS;
    const token = randomBytes(6).toString('base64url');
    await ctx.store.set(confirmKey(interaction.guildId), token);
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(`admin:reset:${Math.floor(expires / 1000)}:${token}`).setLabel('Clear all tallies').setStyle(ButtonStyle.Danger),
      new ButtonBuilder().setCustomId('admin:cancel').setLabel('Cancel').setStyle(ButtonStyle.Secondary),
    );
    await interaction.reply({
      content: `This clears the quiz tallies of ${plural(tallies.length, 'person', 'people')} in this server. It cannot be undone; consider \`/quiz-admin export\` first. Confirm ${time(new Date(expires), TimestampStyles.RelativeTime)}.`,
      components: [row],
      flags: MessageFlags.Ephemeral,
    });
  },
};

export const quizAdminButtons: ComponentHandler = {
  prefix: 'admin',
  async handle(interaction, ctx) {
    const [, action, expires, token] = interaction.customId.split(':');
    if (action === 'cancel' && interaction.customId === 'admin:cancel') {
      await interaction.update({ content: 'Reset cancelled. Nothing was cleared.', components: [] });
      return;
    }
    if (action !== 'reset' || !/^\d{1,12}$/.test(expires ?? '') || !/^[\w-]{8}$/.test(token ?? '')) throw new UserError('This button is no longer active.');
    requireManageServer(interaction.memberPermissions);
    if (Number(expires) * 1000 < ctx.clock.now()) throw new UserError('This confirmation has expired. Run `/quiz-admin reset` again.');
    // One confirmation clears once: a double click or an older confirmation message does nothing.
    let fresh = false;
    await ctx.store.update<string>(confirmKey(interaction.guildId), (current) => {
      fresh = current === token;
      return fresh ? undefined : current;
    });
    if (!fresh) throw new UserError('This confirmation was already used or replaced by a newer one. Run `/quiz-admin reset` again if needed.');
    const cleared = await resetTallies(ctx.store, interaction.guildId);
    ctx.log.info({ cleared }, 'quiz tallies reset');
    await interaction.update({ content: `Cleared the quiz tallies of ${plural(cleared, 'person', 'people')}.`, components: [] });
  },
};
