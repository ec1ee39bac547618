/**
 * What every chart shares: Chart.js set up for drawing on @napi-rs/canvas in
 * Node (no animation, no resizing, one pixel per unit, the bundled font), the
 * opaque card the panels sit on, and the value labels written at the bars' ends.
 * Runs in the render worker (or a script), never on the bot's event loop.
 */
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type ChartType, type Plugin } from 'chart.js';
import { FONT_FAMILY, registerChartFont } from '../font.js';
import { PALETTE } from '../palette.js';

let ready = false;

function setUp(): void {
  if (ready) return;
  registerChartFont();
  Chart.register(...registerables);
  Chart.defaults.font.family = FONT_FAMILY;
  Chart.defaults.font.size = 15;
  Chart.defaults.color = PALETTE.text;
  Chart.defaults.borderColor = PALETTE.grid;
  Chart.defaults.animation = false;
  Chart.defaults.responsive = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.devicePixelRatio = 1;
  Chart.defaults.events = [];
  Chart.defaults.plugins.tooltip.enabled = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 22;
  ready = true;
}

/** The picture: an opaque card with a thin border, its title top left. */
export function card(width: number, height: number, title: string): { canvas: Canvas; ctx: SKRSContext2D } {
  setUp();
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = PALETTE.card;
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = PALETTE.cardBorder;
  ctx.lineWidth = 2;
  ctx.strokeRect(1, 1, width - 2, height - 2);
  ctx.fillStyle = PALETTE.text;
  ctx.font = `600 24px ${FONT_FAMILY}`;
  ctx.textBaseline = 'top';
  ctx.fillText(title, 24, 20, width - 48);
  return { canvas, ctx };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Draws one Chart.js chart into `box` of the card (on its own canvas, then copied, so charts cannot overlap). */
export function panel<T extends ChartType>(target: SKRSContext2D, box: Box, config: ChartConfiguration<T>): void {
  const canvas = createCanvas(box.width, box.height);
  // Chart.js only needs a 2D context; its DOM types do not know @napi-rs/canvas's.
  const chart = new Chart(canvas.getContext('2d') as never, config as never);
  try {
    target.drawImage(canvas, box.x, box.y);
  } finally {
    chart.destroy();
  }
}

/** A panel's heading, drawn on the card above the panel. */
export function heading(ctx: SKRSContext2D, text: string, x: number, y: number, maxWidth: number): void {
  ctx.fillStyle = PALETTE.text;
  ctx.font = `600 18px ${FONT_FAMILY}`;
  ctx.textBaseline = 'top';
  ctx.fillText(text, x, y, maxWidth);
}

/** A line of muted text centred in a box: "No answers yet" and the like. */
export function message(ctx: SKRSContext2D, text: string, box: Box): void {
  ctx.fillStyle = PALETTE.mutedText;
  ctx.font = `17px ${FONT_FAMILY}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, box.x + box.width / 2, box.y + box.height / 2, box.width - 32);
  ctx.textAlign = 'left';
}

/**
 * Writes `labels[i]` beside bar i of the first dataset, so every figure is
 * readable without the axis: for horizontal bars in a column right of the plot
 * (where no bar or mark can cover it; the chart leaves room with padding.right),
 * for vertical bars above the bar.
 */
export function valueLabels(labels: readonly string[]): Plugin {
  return {
    id: 'valueLabels',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const horizontal = chart.options.indexAxis === 'y';
      const meta = chart.getDatasetMeta(0);
      ctx.save();
      ctx.fillStyle = PALETTE.text;
      ctx.font = `14px ${FONT_FAMILY}`;
      meta.data.forEach((bar, i) => {
        const label = labels[i];
        if (!label) return;
        const { x, y, base } = bar.getProps(['x', 'y', 'base'], true) as { x: number; y: number; base: number };
        if (horizontal) {
          ctx.textAlign = 'left';
          ctx.textBaseline = 'middle';
          ctx.fillText(label, chart.chartArea.right + 12, y);
        } else {
          ctx.textAlign = 'center';
          ctx.textBaseline = 'bottom';
          ctx.fillText(label, x, (Number.isFinite(y) ? y : base) - 6);
        }
      });
      ctx.restore();
    },
  };
}

/** Legend entries: a square for bars, a short upright line for the marks (Chart.js would draw both as circles). */
export function legendItems(items: ReadonlyArray<{ text: string; color: string; mark: 'bar' | 'tick' | 'level' }>) {
  return () =>
    items.map((item, datasetIndex) => ({
      text: item.text,
      datasetIndex,
      fillStyle: item.color,
      strokeStyle: item.color,
      fontColor: PALETTE.text,
      lineWidth: item.mark === 'bar' ? 0 : 4,
      pointStyle: item.mark === 'bar' ? ('rect' as const) : ('line' as const),
      rotation: item.mark === 'tick' ? 90 : 0,
      hidden: false,
    }));
}

/** The 0–100 % value axis every accuracy chart uses. */
export const PERCENT_AXIS = {
  min: 0,
  max: 100,
  ticks: { stepSize: 25, callback: (v: string | number) => `${v}%` },
  grid: { color: PALETTE.grid },
} as const;
