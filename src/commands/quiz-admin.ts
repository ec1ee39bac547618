import { randomBytes } from 'node:crypto';
import { ActionRowBuilder, AttachmentBuilder, type ChatInputCommandInteraction, ButtonBuilder, ButtonStyle, MessageFlags, PermissionFlagsBits, time, TimestampStyles } from 'discord.js';
import { UserError } from '../errors.js';
import type { Context } from '../context.js';
import { LEARNING_CSV_HEADER, learningCsvCells, learningFigures } from '../learning/export.js';
import { listLearning } from '../learning/record.js';
import { getRoundConfidence, setRoundConfidence } from '../quiz/settings.js';
import { csvArticles, talliesToCsv } from '../quiz/csv.js';
import { encodeAdminId } from '../components/admin-reset.js';
import { askToForget } from '../components/forget.js';
import { listTallies, resetConfirmKey } from '../quiz/tallies.js';
import { plural } from '../render/text.js';
import { guildCommand } from './lib/definition.js';
import { sendClassReport } from './lib/report.js';
import { requireManageServer } from './lib/permissions.js';
import type { Command } from './lib/types.js';

const CONFIRM_MS = 60_000;

const data = guildCommand('quiz-admin', 'Export, report on, reset or remove this server’s quiz records, or change its quiz settings')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((s) => s.setName('export').setDescription('Download every tally as a CSV file'))
  .addSubcommand((s) => s.setName('report').setDescription('A chart and CSV of the class: skills, answers per week, most-missed questions'))
  .addSubcommand((s) => s.setName('reset').setDescription('Clear every tally, review list and practice progress in this server (asks to confirm)'))
  .addSubcommand((s) =>
    s
      .setName('settings')
      .setDescription('Show or change this server’s quiz settings')
      .addStringOption((o) =>
        o.setName('confidence').setDescription('Ask “How sure are you?” after each answer in rounds').addChoices({ name: 'on', value: 'on' }, { name: 'off', value: 'off' }),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('forget')
      .setDescription('Remove one person’s quiz records in this server (asks to confirm)')
      // A user option takes the id of someone who has left the server too.
      .addUserOption((o) => o.setName('user').setDescription('Whose records to remove').setRequired(true)),
  )
  .toJSON();

async function settings(interaction: ChatInputCommandInteraction<'cached'>, ctx: Context): Promise<void> {
  const confidence = interaction.options.getString('confidence');
  if (confidence !== null && confidence !== 'on' && confidence !== 'off') throw new UserError('Confidence is either on or off.');
  if (confidence !== null) await setRoundConfidence(ctx.store, interaction.guildId, confidence === 'on');
  const on = confidence === null ? await getRoundConfidence(ctx.store, interaction.guildId) : confidence === 'on';
  const what = on
    ? 'Rounds ask “How sure are you?” with each “Locked in” reply (the rating stays private; it is never shown before the reveal).'
    : 'Rounds do not ask how sure people are. Practice always asks.';
  await interaction.reply({ content: `${confidence === null ? 'Quiz settings' : 'Saved'}: confidence in rounds is **${on ? 'on' : 'off'}**. ${what}`, flags: MessageFlags.Ephemeral });
}

export const quizAdmin: Command = {
  data,
  async execute(interaction, ctx) {
    requireManageServer(interaction.memberPermissions);
    if (interaction.options.getSubcommand() === 'forget') {
      // The raw value: the id is there even when Discord no longer resolves the user.
      const target = String(interaction.options.get('user', true).value);
      if (!/^[1-9][0-9]{16,19}$/.test(target)) throw new UserError('That is not a Discord user. Pick someone from the list, or paste their user id.');
      await askToForget(interaction, ctx, target);
      return;
    }
    if (interaction.options.getSubcommand() === 'settings') {
      await settings(interaction, ctx);
      return;
    }
    if (interaction.options.getSubcommand() === 'report') {
      await sendClassReport(interaction, ctx);
      return;
    }
    const tallies = await listTallies(ctx, interaction.guildId);
    if (interaction.options.getSubcommand() === 'export') {
      if (tallies.length === 0) throw new UserError('No one has answered a quiz question in this server yet, so there is nothing to export.');
      const now = ctx.clock.now();
      const day = new Date(now).toISOString().slice(0, 10);
      const figures = learningFigures(await listLearning(ctx.store, interaction.guildId), now);
      const csv = talliesToCsv(tallies, csvArticles(ctx.shelf.current.articles.map((a) => a.id), tallies), {
        header: LEARNING_CSV_HEADER,
        cells: (userId) => learningCsvCells(figures.get(userId)),
      });
      // The byte-order mark makes spreadsheet programs read non-ASCII names correctly.
      const file = new AttachmentBuilder(Buffer.from(`\uFEFF${csv}`, 'utf8'), { name: `quiz-tallies-${day}.csv` });
      await interaction.reply({ content: `Quiz tallies of ${plural(tallies.length, 'person', 'people')}.`, files: [file], flags: MessageFlags.Ephemeral });
      return;
    }
    if (tallies.length === 0) throw new UserError('There are no tallies to reset in this server.');
    const expires = ctx.clock.now() + CONFIRM_MS;
    const token = randomBytes(6).toString('base64url');
    await ctx.store.set(resetConfirmKey(interaction.guildId), token);
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(encodeAdminId({ kind: 'reset', expires: Math.floor(expires / 1000), token })).setLabel('Clear all tallies').setStyle(ButtonStyle.Danger),
      new ButtonBuilder().setCustomId(encodeAdminId({ kind: 'cancel' })).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
    );
    await interaction.reply({
      content: `This clears the quiz tallies of ${plural(tallies.length, 'person', 'people')} in this server, and everyone’s review lists, practice progress and confidence ratings. It cannot be undone; consider \`/quiz-admin export\` first. Confirm ${time(new Date(expires), TimestampStyles.RelativeTime)}.`,
      components: [row],
      flags: MessageFlags.Ephemeral,
    });
  },
};
