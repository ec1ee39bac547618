import { EmbedBuilder, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import type { Context } from '../../context.js';
import { itemRef } from '../../content/refs.js';
import { dueCount } from '../../learning/boxes.js';
import { calibration } from '../../learning/confidence.js';
import { getLearning } from '../../learning/record.js';
import { scoreChartFigures } from '../../quiz/score-chart.js';
import { renderArticleLines, renderTallySummary, summariseTally } from '../../quiz/summary.js';
import { getTally, listTallies } from '../../quiz/tallies.js';
import { renderConfidenceLines, renderDueLine } from '../../render/learning.js';
import { fit } from '../../render/text.js';
import { replyPrivatelyWithChart } from './chart-reply.js';

/**
 * `/quiz score [user]`, privately: the tally in words, reviews due, confidence
 * against results (from MIN_RATED ratings), and the picture of accuracy per
 * skill against the server's (with the calibration panel once there is one).
 */
export async function showScore(interaction: ChatInputCommandInteraction<'cached'>, ctx: Context): Promise<void> {
  const user = interaction.options.getUser('user') ?? interaction.user;
  const self = user.id === interaction.user.id;
  const { guildId } = interaction;
  const tally = await getTally(ctx.store, guildId, user.id);
  const title = `Quiz record: ${fit(user.displayName, 200)}`;
  if (!tally) {
    const embed = new EmbedBuilder().setTitle(title).setDescription(`${self ? 'You have' : `<@${user.id}> has`} not answered any quiz questions in this server yet.`);
    await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
    return;
  }
  const library = ctx.shelf.current;
  const [learning, serverTallies] = await Promise.all([getLearning(ctx.store, guildId, user.id), listTallies(ctx, guildId)]);
  const ratings = learning?.ratings ?? [];
  const confidence = calibration(ratings);
  // Only questions still served can be asked again, so only they count as due.
  const bank = library.articles.flatMap((a) => a.questions().map((q) => itemRef(a.id, q.id)));
  const due = learning ? dueCount(learning, ctx.clock.now(), bank) : 0;
  const text = [renderTallySummary(summariseTally(tally)), renderArticleLines(tally, library.articles), renderDueLine(due), renderConfidenceLines(confidence, self ? 'you' : 'they')]
    .filter(Boolean)
    .join('\n\n');
  const embed = new EmbedBuilder().setTitle(title).setDescription(fit(text, 4096));
  const figures = scoreChartFigures({ guildId, tally, serverTallies, calibration: confidence, ratings, ...(self ? {} : { name: user.displayName }) });
  await replyPrivatelyWithChart(interaction, ctx, {
    embeds: [embed],
    chart: ctx.charts.scoreChart(figures.input, { key: figures.key }),
    failureNote: 'The chart could not be drawn this time; the figures are all here in words.',
  });
}
