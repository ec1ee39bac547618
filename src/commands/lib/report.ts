import { AttachmentBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { classReportCsv } from '../../charts/index.js';
import type { Context } from '../../context.js';
import { UserError } from '../../errors.js';
import { classReportFigures, REPORT_MISSED, REPORT_WEEKS } from '../../quiz/class-report.js';
import { getClassStats } from '../../quiz/class-stats.js';
import { listTallies } from '../../quiz/tallies.js';
import { plural } from '../../render/text.js';
import { replyPrivatelyWithChart } from './chart-reply.js';

/**
 * `/quiz-admin report`, privately: the class report picture (accuracy per
 * skill across the server, answers per week, the most-missed questions) and
 * the same figures as CSV for a spreadsheet.
 */
export async function sendClassReport(interaction: ChatInputCommandInteraction<'cached'>, ctx: Context): Promise<void> {
  const { guildId } = interaction;
  const [stats, tallies] = await Promise.all([getClassStats(ctx.store, guildId), listTallies(ctx, guildId)]);
  const now = ctx.clock.now();
  const figures = classReportFigures({ stats, tallies, library: ctx.shelf.current, now, serverName: interaction.guild.name });
  if (figures.answered === 0 && figures.questionAnswers === 0) {
    throw new UserError('No one has answered a quiz question in this server yet, so there is no report to show.');
  }
  const day = new Date(now).toISOString().slice(0, 10);
  const csv = new AttachmentBuilder(Buffer.from(classReportCsv(figures.input, { weeks: REPORT_WEEKS, missed: REPORT_MISSED }), 'utf8'), {
    name: `class-report-${day}.csv`,
    description: 'The class report figures as CSV: accuracy per skill, answers per week, most-missed questions.',
  });
  const listed = figures.input.missed.length;
  const content = [
    `Class report: ${plural(figures.answered, 'answer')} from ${plural(tallies.length, 'person', 'people')}. The CSV holds the same figures.`,
    // Per-question figures need 3 answers a question before one unlucky answer can top the list.
    listed === 0 ? 'No question has been answered 3 times yet, so none is listed as most missed.' : '',
  ]
    .filter(Boolean)
    .join(' ');
  await replyPrivatelyWithChart(interaction, ctx, {
    content,
    files: [csv],
    chart: ctx.charts.classReport(figures.input, { key: figures.key }),
    failureNote: 'The picture could not be drawn this time; the CSV holds every figure.',
  });
}
