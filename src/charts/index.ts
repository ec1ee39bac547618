/**
 * Charts for `/quiz score` and `/quiz-admin report`: PNG pictures with alt text,
 * drawn off the event loop and cached. Knows nothing of discord.js: a command
 * turns a ChartImage into an attachment (png as the file, altText as its
 * description) and a ChartError into the user's words.
 *
 * Library: Chart.js on @napi-rs/canvas (Skia). The canvas package ships its
 * native binary inside per-platform npm packages (no download at install), and
 * one library draws, measures text with the real font, and encodes PNG; Chart.js
 * lays out axes, ticks and legends. ECharts' SVG output rasterised by resvg was
 * the alternative, but ECharts measures text without the font in Node (a fixed
 * width table), which misplaces labels drawn in any other typeface.
 */
import { scoreAltText, reportAltText } from './alt-text.js';
import { LruCache } from './cache.js';
import type { ChartRequest } from './render.js';
import { RenderWorker, type RenderFailureKind } from './renderer.js';
import { classReportInputSchema, scoreChartInputSchema, type ClassReportInput, type ScoreChartInput } from './types.js';

export interface ChartImage {
  png: Buffer;
  width: number;
  height: number;
  /** The figures in words, at most 1,024 characters (Discord's cap on an attachment description). */
  altText: string;
  fileName: string;
}

export type ChartErrorKind = 'invalid-input' | RenderFailureKind;
export interface ChartError {
  kind: ChartErrorKind;
  /** For the log; not meant for users. */
  message: string;
}
export type ChartResult = { ok: true; image: ChartImage } | { ok: false; error: ChartError };

export interface ChartOptions {
  /**
   * Names the figures drawn, e.g. `${guildId}:${userId}:${answeredCount}`: a key
   * seen before returns the picture made for it (the same Buffer) without
   * drawing again, so it must change whenever the figures do. No key, no cache.
   */
  key?: string;
}

export interface ChartRenderer {
  scoreChart(input: ScoreChartInput, options?: ChartOptions): Promise<ChartResult>;
  classReport(input: ClassReportInput, options?: ChartOptions): Promise<ChartResult>;
  /** Pictures drawn and cache hits since the start: for tests, the bench and metrics. */
  stats(): { renders: number; cacheHits: number; cached: number };
  /** Ends the render worker (at shutdown); later calls resolve as `closed`. */
  close(): Promise<void>;
}

export interface ChartRendererOptions {
  /** Pictures kept (about 20-60 KB each). Default 100. */
  cacheSize?: number;
  /** Longest a render may take before it fails as `timeout` and the worker is replaced. Default 10 s. */
  timeoutMs?: number;
}

export function createChartRenderer(options: ChartRendererOptions = {}): ChartRenderer {
  const worker = new RenderWorker(options.timeoutMs ?? 10_000);
  const cache = new LruCache<Promise<ChartResult>>(options.cacheSize ?? 100);
  let renders = 0;
  let cacheHits = 0;

  async function draw(request: ChartRequest, altText: string, fileName: string): Promise<ChartResult> {
    renders++;
    const outcome = await worker.render(request);
    if (!outcome.ok) return { ok: false, error: { kind: outcome.kind, message: outcome.message } };
    const { png, width, height } = outcome.drawn;
    return { ok: true, image: { png: Buffer.from(png.buffer, png.byteOffset, png.byteLength), width, height, altText, fileName } };
  }

  function cached(kind: ChartRequest['kind'], key: string | undefined, make: () => Promise<ChartResult>): Promise<ChartResult> {
    if (key === undefined) return make();
    const slot = `${kind}\u0000${key}`;
    const hit = cache.get(slot);
    if (hit) {
      cacheHits++;
      return hit;
    }
    // The promise is cached, so a second request while the first is drawing waits for the same picture.
    const made = make().then((result) => {
      if (!result.ok) cache.delete(slot);
      return result;
    });
    cache.set(slot, made);
    return made;
  }

  const invalid = (message: string): ChartResult => ({ ok: false, error: { kind: 'invalid-input', message } });

  return {
    scoreChart(input, { key } = {}) {
      return cached('score', key, async () => {
        const parsed = scoreChartInputSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        return draw({ kind: 'score', input: parsed.data }, scoreAltText(parsed.data), 'quiz-score.png');
      });
    },
    classReport(input, { key } = {}) {
      return cached('report', key, async () => {
        const parsed = classReportInputSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        return draw({ kind: 'report', input: parsed.data }, reportAltText(parsed.data), 'class-report.png');
      });
    },
    stats: () => ({ renders, cacheHits, cached: cache.size }),
    close: () => worker.close(),
  };
}

export { serverSkillTotals, shareRight, weeklyAnswerCounts, mostMissed, weekStart, type SkillTotal } from './aggregate.js';
export { classReportCsv } from './csv.js';
export { ALT_TEXT_MAX } from './alt-text.js';
export * from './types.js';
