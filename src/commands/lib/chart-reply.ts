import { AttachmentBuilder, MessageFlags, type ChatInputCommandInteraction, type EmbedBuilder } from 'discord.js';
import type { ChartImage, ChartResult } from '../../charts/index.js';
import type { Context } from '../../context.js';

/**
 * How long a chart may take before the reply is deferred. Discord drops an
 * interaction not answered within 3 seconds, and the storage reads came
 * first; a cached chart, or one drawn by a warm worker, comes well inside
 * this, so most answers are one message with everything in it.
 */
export const CHART_WAIT_MS = 1500;

export interface ChartReply {
  /** The answer in words, complete without the picture. */
  content?: string;
  embeds?: EmbedBuilder[];
  /** Files sent whether or not the picture is drawn (the report's CSV). */
  files?: AttachmentBuilder[];
  chart: Promise<ChartResult>;
  /** Added to the content when the picture could not be drawn. */
  failureNote: string;
}

/** The picture as an attachment; its description is what screen readers read and what shows if the image does not load. */
export const chartAttachment = (image: ChartImage) => new AttachmentBuilder(image.png, { name: image.fileName, description: image.altText });

/** Resolves with the promise's value, or undefined once `ms` of real time have passed. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    // Real time, not ctx.clock: Discord's window runs on the wall clock (and a test's manual clock never fires by itself).
    const timer = setTimeout(() => resolve(undefined), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/**
 * Answers privately with the words and the chart. When the chart is not drawn
 * within CHART_WAIT_MS the reply is deferred first (Discord shows "thinking…")
 * and edited once it is. A chart that fails to draw costs the picture only:
 * the words go out with a short note, and the failure is logged.
 */
export async function replyPrivatelyWithChart(interaction: ChatInputCommandInteraction<'cached'>, ctx: Context, reply: ChartReply): Promise<void> {
  const chart = reply.chart.catch((error: unknown): ChartResult => ({ ok: false, error: { kind: 'render-failed', message: String(error) } }));
  let result = await within(chart, CHART_WAIT_MS);
  if (result === undefined) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    result = await chart;
  }
  const files = [...(reply.files ?? [])];
  let content = reply.content;
  if (result.ok) {
    files.push(chartAttachment(result.image));
  } else {
    // invalid-input is a bug (the command built figures the charts refuse); the others are the renderer's trouble.
    const level = result.error.kind === 'invalid-input' ? 'error' : 'warn';
    ctx.log[level]({ chartError: result.error }, 'chart not drawn; answered without it');
    content = [content, reply.failureNote].filter(Boolean).join('\n\n');
  }
  const message = { ...(content ? { content } : {}), embeds: reply.embeds ?? [], files };
  if (interaction.deferred) await interaction.editReply(message);
  else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
}
