/**
 * Draws a chart and encodes it as PNG, in the calling thread. The bot calls it
 * only through the render worker (renderer.ts); scripts and tests may call it
 * directly.
 */
import { drawReport } from './draw/report.js';
import { drawScore } from './draw/score.js';
import type { ClassReportInput, ScoreChartInput } from './types.js';

export type ChartRequest = { kind: 'score'; input: ScoreChartInput } | { kind: 'report'; input: ClassReportInput };
export type ChartKind = ChartRequest['kind'];

export interface Drawn {
  png: Uint8Array;
  width: number;
  height: number;
}

export function drawChart(request: ChartRequest): Drawn {
  const { canvas, width, height } = request.kind === 'score' ? drawScore(request.input) : drawReport(request.input);
  return { png: canvas.toBuffer('image/png'), width, height };
}
