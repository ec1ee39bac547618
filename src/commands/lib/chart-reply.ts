import { AttachmentBuilder, MessageFlags, type ChatInputCommandInteraction, type EmbedBuilder } from 'discord.js';
import type { ChartImage, ChartResult } from '../../charts/index.js';
import type { Context } from '../../context.js';

/**
 * How long a chart may take before the words are sent without it. Discord
 * drops an interaction not answered within 3 seconds, and the storage reads
 * came first; a cached chart, or one drawn by a warm worker, comes well
 * inside this, so most answers are one message with everything in it.
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
 * Answers privately with the words and the chart, in one message when the
 * chart is drawn within CHART_WAIT_MS (a cached one, or a warm worker's).
 * Otherwise the words go out at once, inside Discord's 3-second window, and
 * the picture is edited in when drawn: the reader has the figures meanwhile,
 * rather than "thinking…". A chart that fails to draw costs the picture
 * only: the words go out with a short note, and the failure is logged.
 */
export async function replyPrivatelyWithChart(interaction: ChatInputCommandInteraction<'cached'>, ctx: Context, reply: ChartReply): Promise<void> {
  const chart = reply.chart.catch((error: unknown): ChartResult => ({ ok: false, error: { kind: 'render-failed', message: String(error) } }));
  const drawn = await within(chart, CHART_WAIT_MS);
  if (drawn) {
    await interaction.reply({ ...withChart(ctx, reply, drawn), flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.reply({ ...(reply.content ? { content: reply.content } : {}), embeds: reply.embeds ?? [], files: reply.files ?? [], flags: MessageFlags.Ephemeral });
  // The edit sends every file again: an edit's attachment list replaces the message's.
  await interaction.editReply(withChart(ctx, reply, await chart));
}

/** The whole message: the words and files, with the picture, or with the note when it could not be drawn. */
function withChart(ctx: Context, reply: ChartReply, result: ChartResult) {
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
  return { ...(content ? { content } : {}), embeds: reply.embeds ?? [], files };
}
