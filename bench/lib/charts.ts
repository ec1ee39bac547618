/**
 * The chart renderer (src/charts) as the bot runs it: compiled, from dist/, in
 * this process with its render worker. Each measured call aggregates 50,000
 * tallies (serverSkillTotals) and renders a picture with no cache key, on figures
 * changed since the last call, so every call draws. The event loop's delay is
 * watched throughout (monitorEventLoopDelay): rendering must never hold it.
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CATEGORIES } from '../../src/content/schema.js';
import type { SkillCounts } from '../../src/charts/types.js';
import { ROOT } from './child.js';
import { summarise, type LatencySummary } from './stats.js';
import type { Row } from './table.js';

export const CHART_TALLIES = 50_000;
export const CHART_RENDERS = 50;
export const CHART_P99_MS = 300;
export const CHART_LOOP_DELAY_MS = 50;

export interface ChartBench {
  tallies: number;
  renders: number;
  /** The first chart after start: the worker starting, loading Skia, Chart.js and the font. */
  coldMs: number;
  aggregateMs: LatencySummary;
  score: LatencySummary;
  report: LatencySummary;
  /** Largest event-loop delay seen while the measured charts were made, ms. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  /** The same watch over as long a time with no chart being made: what the machine alone costs the event loop. */
  idleLoopDelayMaxMs: number;
  pngBytes: { score: number; report: number };
}

export async function benchCharts(log: (msg: string) => void): Promise<ChartBench> {
  const charts = (await import(pathToFileURL(join(ROOT, 'dist/charts/index.js')).href)) as typeof import('../../src/charts/index.js');
  const tallies = Array.from({ length: CHART_TALLIES }, (_, i) => {
    const byCategory: SkillCounts = {};
    for (const [k, c] of CATEGORIES.entries()) if ((i * 7 + k) % 4 !== 0) byCategory[c] = { answered: 3 + ((i + k) % 17), correct: (i + 2 * k) % 3 };
    return { byCategory };
  });
  const renderer = charts.createChartRenderer();
  const weeks = (seed: number) => Array.from({ length: 8 }, (_, w) => ({ start: Date.UTC(2025, 0, 6) + w * 7 * 86_400_000, answers: (seed * 31 + w * 97) % 400 }));
  const missed = (seed: number) => Array.from({ length: 10 }, (_, q) => ({ label: `Q${q + 1} · Which source does paragraph ${q + seed} rely on?`, answered: 40 + q, correct: (seed + q) % 20 }));
  const unwrap = (result: Awaited<ReturnType<typeof renderer.scoreChart>>) => {
    if (!result.ok) throw new Error(`chart bench: ${result.error.kind}: ${result.error.message}`);
    return result.image;
  };

  try {
    let started = performance.now();
    const first = unwrap(await renderer.scoreChart({ learner: tallies[0]!.byCategory, server: charts.serverSkillTotals(tallies) }));
    const coldMs = performance.now() - started;
    for (let i = 0; i < 3; i++) await renderer.classReport({ skills: charts.serverSkillTotals(tallies), weeks: weeks(i), missed: missed(i) });

    const aggregate: number[] = [];
    const score: number[] = [];
    const report: number[] = [];
    const bytes = { score: first.png.length, report: 0 };
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const measuredFrom = performance.now();
    for (let i = 0; i < CHART_RENDERS; i++) {
      // New figures each time: one learner answers one more question.
      const changed = tallies[(i * 977) % CHART_TALLIES]!.byCategory;
      const cat = CATEGORIES[i % CATEGORIES.length]!;
      changed[cat] = { answered: (changed[cat]?.answered ?? 0) + 1, correct: (changed[cat]?.correct ?? 0) + (i % 2) };

      started = performance.now();
      const server = charts.serverSkillTotals(tallies);
      aggregate.push(performance.now() - started);
      const image = unwrap(
        await renderer.scoreChart({ learner: changed, server, calibration: { guessing: { answered: 10 + i, correct: 3 }, 'fairly-sure': { answered: 20, correct: 13 }, certain: { answered: 15, correct: 12 } } }),
      );
      score.push(performance.now() - started);
      bytes.score = image.png.length;

      started = performance.now();
      const skills = charts.serverSkillTotals(tallies);
      const whole = unwrap(await renderer.classReport({ skills, weeks: weeks(i), missed: missed(i) }));
      report.push(performance.now() - started);
      bytes.report = whole.png.length;
    }
    delay.disable();
    const idle = monitorEventLoopDelay({ resolution: 5 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, performance.now() - measuredFrom));
    idle.disable();
    const result: ChartBench = {
      tallies: CHART_TALLIES,
      renders: CHART_RENDERS,
      coldMs,
      aggregateMs: summarise(aggregate),
      score: summarise(score),
      report: summarise(report),
      loopDelayMaxMs: delay.max / 1e6,
      loopDelayP99Ms: delay.percentile(99) / 1e6,
      idleLoopDelayMaxMs: idle.max / 1e6,
      pngBytes: bytes,
    };
    log(`charts: score p50 ${result.score.p50.toFixed(0)} ms p99 ${result.score.p99.toFixed(0)} ms, report p99 ${result.report.p99.toFixed(0)} ms, event-loop delay max ${result.loopDelayMaxMs.toFixed(1)} ms (${result.idleLoopDelayMaxMs.toFixed(1)} ms idle)`);
    return result;
  } finally {
    await renderer.close();
  }
}

/** The table's rows for the charts, with their targets checked by `check` (as every other target in bench/run.ts). */
export function chartRows(r: ChartBench, check: (name: string, measured: string, met: boolean) => string, fmt: (n: number, digits?: number) => string): Row[] {
  const lat = (s: LatencySummary) => `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)} / ${fmt(s.max)}`;
  const n = r.tallies.toLocaleString('en-US');
  return [
    { measurement: `chart: ${n} tallies aggregated, ms p50/p99`, baseline: '', bot: `${fmt(r.aggregateMs.p50)} / ${fmt(r.aggregateMs.p99)}`, ratio: '', target: '', status: '' },
    {
      measurement: `chart: /quiz score PNG incl. aggregation, ${r.renders} renders, ms p50/p95/p99/max`,
      baseline: '',
      bot: lat(r.score),
      ratio: '',
      target: `p99 < ${CHART_P99_MS} ms`,
      status: check(`/quiz score chart over ${n} tallies: p99 < ${CHART_P99_MS} ms`, `${fmt(r.score.p99)} ms`, r.score.p99 < CHART_P99_MS),
    },
    {
      measurement: `chart: class report PNG incl. aggregation, ${r.renders} renders, ms p50/p95/p99/max`,
      baseline: '',
      bot: lat(r.report),
      ratio: '',
      target: `p99 < ${CHART_P99_MS} ms`,
      status: check(`class report chart over ${n} tallies: p99 < ${CHART_P99_MS} ms`, `${fmt(r.report.p99)} ms`, r.report.p99 < CHART_P99_MS),
    },
    {
      measurement: '  event-loop delay while rendering, ms max (p99)',
      baseline: '',
      bot: `${fmt(r.loopDelayMaxMs)} (${fmt(r.loopDelayP99Ms)})`,
      ratio: '',
      target: `max < ${CHART_LOOP_DELAY_MS} ms`,
      status: check(`event loop never delayed ${CHART_LOOP_DELAY_MS} ms or more while rendering charts`, `${fmt(r.loopDelayMaxMs)} ms`, r.loopDelayMaxMs < CHART_LOOP_DELAY_MS),
    },
    { measurement: '  event-loop delay with no chart rendering, same duration, ms max', baseline: '', bot: fmt(r.idleLoopDelayMaxMs), ratio: '', target: '', status: '' },
    { measurement: '  first chart after start (worker start), ms · PNG KB score/report', baseline: '', bot: `${fmt(r.coldMs, 0)} · ${fmt(r.pngBytes.score / 1024, 0)} / ${fmt(r.pngBytes.report / 1024, 0)}`, ratio: '', target: '', status: '' },
  ];
}
