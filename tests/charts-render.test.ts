/**
 * The pictures themselves, decoded with pngjs (independent of the canvas that
 * drew them), and the renderer around them: the worker thread, the cache, and
 * typed failures.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GlobalFonts } from '@napi-rs/canvas';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createChartRenderer, type ChartResult, type ClassReportInput, type ScoreChartInput } from '../src/charts/index.js';
import { FONT_FAMILY, FONT_FILES, registerChartFont } from '../src/charts/font.js';
import { PALETTE } from '../src/charts/palette.js';

const ROOT = join(import.meta.dirname, '..');

const score: ScoreChartInput = {
  name: 'Alice',
  learner: { 'source-chain': { answered: 10, correct: 8 }, attribution: { answered: 3, correct: 2 }, verification: { answered: 9, correct: 3 } },
  server: { 'source-chain': { answered: 100, correct: 65 }, attribution: { answered: 80, correct: 20 }, verification: { answered: 90, correct: 52 } },
};
const withCalibration: ScoreChartInput = { ...score, calibration: { guessing: { answered: 5, correct: 2 }, 'fairly-sure': { answered: 12, correct: 8 }, certain: { answered: 18, correct: 16 } } };
const report: ClassReportInput = {
  serverName: 'Media club',
  skills: { 'source-chain': { answered: 1200, correct: 744 }, attribution: { answered: 900, correct: 610 }, 'missing-context': { answered: 650, correct: 300 } },
  weeks: [12, 40, 0, 85, 120, 96, 150, 131].map((answers, i) => ({ start: Date.UTC(2025, 0, 6) + i * 7 * 86_400_000, answers })),
  missed: Array.from({ length: 10 }, (_, i) => ({ label: `Q${i + 1} · Which source does it rely on?`, answered: 30 + i, correct: i })),
};

const renderer = createChartRenderer();
afterAll(() => renderer.close());

function image(result: ChartResult) {
  if (!result.ok) throw new Error(`expected a picture, got ${result.error.kind}: ${result.error.message}`);
  return result.image;
}

/** Decodes a PNG and counts its colours (as 0xRRGGBB), over the whole picture or a region of it. */
function decode(png: Buffer) {
  const decoded = PNG.sync.read(png);
  const colours = (region = { x: 0, y: 0, width: decoded.width, height: decoded.height }) => {
    const counts = new Map<number, number>();
    let opaque = true;
    let dark = 0;
    for (let y = region.y; y < region.y + region.height; y++) {
      for (let x = region.x; x < region.x + region.width; x++) {
        const i = (y * decoded.width + x) * 4;
        const [r, g, b] = [decoded.data[i]!, decoded.data[i + 1]!, decoded.data[i + 2]!];
        if (decoded.data[i + 3] !== 255) opaque = false;
        // Text: every channel dark (each bar colour has one channel above 150, the card all above 240).
        if (Math.max(r, g, b) < 120) dark++;
        const c = (r << 16) | (g << 8) | b;
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
    }
    return { opaque, dark, count: (colour: string) => counts.get(parseInt(colour.slice(1), 16)) ?? 0, distinct: counts.size };
  };
  return { width: decoded.width, height: decoded.height, data: decoded.data, ...colours(), region: (region: { x: number; y: number; width: number; height: number }) => colours(region) };
}

const TITLE = { x: 20, y: 16, width: 400, height: 36 };

describe('the score chart', () => {
  it('is an opaque card of the stated size with the learner’s bars, the server marks and a title in dark text', async () => {
    const picture = image(await renderer.scoreChart(score));
    const png = decode(picture.png);
    expect([png.width, png.height]).toEqual([picture.width, picture.height]);
    expect([png.width, png.height]).toEqual([900, 470]);
    expect(png.opaque).toBe(true);
    expect(png.distinct).toBeGreaterThan(20);
    expect(png.count(PALETTE.blue)).toBeGreaterThan(5000);
    expect(png.count(PALETTE.vermillion)).toBeGreaterThan(200);
    expect(png.count(PALETTE.card)).toBeGreaterThan(png.width * png.height * 0.4);
    expect(png.region(TITLE).dark).toBeGreaterThan(300);
    expect(picture.fileName).toBe('quiz-score.png');
  });

  it('draws the text it is given: another name changes the title and nothing below it', async () => {
    const alice = decode(image(await renderer.scoreChart(score)).png);
    const bob = decode(image(await renderer.scoreChart({ ...score, name: 'Bob' })).png);
    const differs = (region: typeof TITLE) => {
      for (let y = region.y; y < region.y + region.height; y++) {
        for (let x = region.x; x < region.x + region.width; x++) {
          const i = (y * alice.width + x) * 4;
          if (alice.data[i] !== bob.data[i] || alice.data[i + 1] !== bob.data[i + 1] || alice.data[i + 2] !== bob.data[i + 2]) return true;
        }
      }
      return false;
    };
    expect(differs(TITLE)).toBe(true);
    // The bars and axes (below the legend, which names the learner too) are the same picture.
    expect(differs({ x: 0, y: 100, width: 900, height: 360 })).toBe(false);
  });

  it('adds the calibration panel below when given, and its figures to the alt text', async () => {
    const picture = image(await renderer.scoreChart(withCalibration));
    const png = decode(picture.png);
    expect([png.width, png.height]).toEqual([900, 800]);
    const panel = png.region({ x: 0, y: 480, width: 900, height: 300 });
    expect(panel.count(PALETTE.blue)).toBeGreaterThan(5000);
    expect(panel.count(PALETTE.vermillion)).toBeGreaterThan(300);
    expect(panel.dark).toBeGreaterThan(500);
    expect(picture.altText).toContain("Alice's accuracy per skill");
    expect(picture.altText).toContain('Source chain 80% of 10 (server 65%)');
    expect(picture.altText).toContain('Fairly sure 8 of 12 right (67%), ideal 75%');
  });

  it('shows "no answers yet" for a learner with no answers, and refuses NaN or impossible counts with a typed error', async () => {
    const empty = image(await renderer.scoreChart({ learner: {}, server: {} }));
    const png = decode(empty.png);
    expect([png.width, png.height]).toEqual([900, 470]);
    expect(png.count(PALETTE.blue)).toBe(0);
    expect(png.region({ x: 100, y: 200, width: 700, height: 100 }).dark).toBeGreaterThan(200);
    expect(empty.altText).toContain('Attribution no answers yet');

    for (const learner of [{ attribution: { answered: NaN, correct: 0 } }, { attribution: { answered: 2, correct: 3 } }, { attribution: { answered: -1, correct: 0 } }]) {
      const refused = await renderer.scoreChart({ learner, server: {} });
      expect(refused).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    }
  });
});

describe('the class report', () => {
  it('has the three panels’ colours, dark text and alt text with the figures', async () => {
    const picture = image(await renderer.classReport(report));
    const png = decode(picture.png);
    expect([png.width, png.height]).toEqual([1200, 1000]);
    expect(png.opaque).toBe(true);
    expect(png.count(PALETTE.blue)).toBeGreaterThan(5000);
    expect(png.count(PALETTE.green)).toBeGreaterThan(5000);
    expect(png.count(PALETTE.vermillion)).toBeGreaterThan(5000);
    expect(png.region(TITLE).dark).toBeGreaterThan(300);
    expect(picture.altText).toContain('Class report for Media club');
    expect(picture.altText).toContain('Source chain 62% of 1,200');
    expect(picture.altText).toContain('12, 40, 0, 85, 120, 96, 150, 131');
    expect(picture.altText).toContain('1. Q1 · Which source does it rely on?: 0% of 30');
    expect(picture.altText.length).toBeLessThanOrEqual(1024);
  });

  it('draws a report with no data yet rather than failing', async () => {
    const picture = image(await renderer.classReport({ skills: {}, weeks: [], missed: [] }));
    const png = decode(picture.png);
    expect([png.width, png.height]).toEqual([1200, 1000]);
    expect(png.count(PALETTE.blue)).toBe(0);
    expect(picture.altText).toContain('No answers per week yet');
  });
});

describe('the renderer', () => {
  it('returns the same picture for a key it has seen and draws anew for a new key', async () => {
    const own = createChartRenderer({ cacheSize: 2 });
    try {
      const [first, concurrent] = await Promise.all([own.scoreChart(score, { key: 'g1:u1:v1' }), own.scoreChart(score, { key: 'g1:u1:v1' })]);
      expect(own.stats().renders).toBe(1);
      const again = await own.scoreChart(score, { key: 'g1:u1:v1' });
      expect(image(again).png).toBe(image(first).png);
      expect(image(concurrent).png).toBe(image(first).png);
      expect(own.stats()).toMatchObject({ renders: 1, cacheHits: 2 });
      const changed = await own.scoreChart({ ...score, name: 'Bob' }, { key: 'g1:u1:v2' });
      expect(own.stats().renders).toBe(2);
      expect(image(changed).png).not.toBe(image(first).png);
      expect(image(changed).png.equals(image(first).png)).toBe(false);
      // The same key for another kind of chart is another picture; the oldest entry then leaves the cache.
      await own.classReport(report, { key: 'g1:u1:v1' });
      expect(own.stats()).toMatchObject({ renders: 3, cached: 2 });
      await own.scoreChart(score, { key: 'g1:u1:v1' });
      expect(own.stats().renders).toBe(4);
    } finally {
      await own.close();
    }
  });

  it('keeps the event loop responsive while it draws (under 50 ms of delay)', async () => {
    await renderer.classReport(report); // the worker is up and warm
    // A class report takes 70-140 ms of CPU to draw and encode on this machine: drawn on this thread, it would delay
    // the loop that long in every attempt. The best of three attempts keeps a busy machine's passing
    // stalls (other test files run alongside) from failing the test.
    let best = Infinity;
    for (let attempt = 0; attempt < 3 && best >= 50; attempt++) {
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      for (let i = 0; i < 4; i++) image(await renderer.classReport({ ...report, weeks: report.weeks.map((w) => ({ ...w, answers: w.answers + attempt * 4 + i })) }));
      delay.disable();
      best = Math.min(best, delay.max / 1e6);
    }
    expect(best).toBeLessThan(50);
  });

  it('turns a render over the time limit into a typed timeout, and a closed renderer into `closed`', async () => {
    const hasty = createChartRenderer({ timeoutMs: 1 });
    const late = await hasty.classReport(report);
    expect(late).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    await hasty.close();
    expect(await hasty.scoreChart(score)).toMatchObject({ ok: false, error: { kind: 'closed' } });
  });

  it('draws with the font file shipped in node_modules, registered under its own family', () => {
    registerChartFont();
    for (const file of FONT_FILES) expect(file).toMatch(/node_modules\/@expo-google-fonts\/inter\/.+\.ttf$/);
    expect(GlobalFonts.has(FONT_FAMILY)).toBe(true);
  });

  it('works from the compiled dist/ and an idle renderer does not keep the process alive', async () => {
    // dist/ is built by the tests' global setup. The script never calls close(): it must exit by itself.
    const script = `
      const { createChartRenderer } = await import(${JSON.stringify(join(ROOT, 'dist/charts/index.js'))});
      const r = createChartRenderer();
      const result = await r.scoreChart({ learner: { attribution: { answered: 2, correct: 1 } }, server: {} });
      console.log(JSON.stringify({ ok: result.ok, bytes: result.ok ? result.image.png.length : 0 }));`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 15_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout))),
    );
    const parsed = JSON.parse(out.trim()) as { ok: boolean; bytes: number };
    expect(parsed.ok).toBe(true);
    expect(parsed.bytes).toBeGreaterThan(5000);
  });
});
