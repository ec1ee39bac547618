/**
 * `npm run charts:examples`: draws one example of each chart, from made-up
 * figures, into docs/images/ (shown in the README), through the same renderer
 * the bot uses.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createChartRenderer, type ChartResult, type ClassReportInput, type ScoreChartInput } from '../src/charts/index.js';

const OUT = join(import.meta.dirname, '..', 'docs', 'images');
const WEEK = 7 * 86_400_000;

export const EXAMPLE_SCORE: ScoreChartInput = {
  learner: {
    'source-chain': { answered: 12, correct: 9 },
    attribution: { answered: 10, correct: 6 },
    'quote-integrity': { answered: 6, correct: 5 },
    'loaded-language': { answered: 7, correct: 2 },
    verification: { answered: 9, correct: 6 },
  },
  server: {
    'source-chain': { answered: 1200, correct: 780 },
    attribution: { answered: 900, correct: 500 },
    'quote-integrity': { answered: 700, correct: 350 },
    'missing-context': { answered: 650, correct: 390 },
    'loaded-language': { answered: 800, correct: 320 },
    verification: { answered: 1000, correct: 580 },
  },
  calibration: { guessing: { answered: 6, correct: 2 }, 'fairly-sure': { answered: 20, correct: 13 }, certain: { answered: 18, correct: 16 } },
};

export const EXAMPLE_REPORT: ClassReportInput = {
  serverName: 'Media literacy club',
  skills: EXAMPLE_SCORE.server,
  weeks: [42, 88, 0, 135, 210, 164, 251, 198].map((answers, i) => ({ start: Date.UTC(2025, 0, 6) + i * WEEK, answers })),
  missed: [
    ['Who first said “in as little as a week”?', 64, 9],
    ['Which outlet does ¶2 rely on?', 58, 12],
    ['What does “experts” leave out?', 71, 18],
    ['Is the Global Times quote complete?', 40, 11],
    ['Which claim has no source at all?', 55, 17],
    ['What would you search first?', 49, 16],
    ['Which word frames the launch?', 62, 22],
    ['Who is the original speaker in ¶11?', 38, 14],
    ['What date is missing from ¶4?', 45, 18],
    ['Does the headline match ¶1?', 52, 22],
  ].map(([label, answered, correct], i) => ({ id: `example/q${i + 1}`, label: `Q${i + 1} · ${label}`, answered: answered as number, correct: correct as number })),
};

function save(result: ChartResult, file: string): void {
  if (!result.ok) throw new Error(`${file}: ${result.error.kind}: ${result.error.message}`);
  writeFileSync(join(OUT, file), result.image.png);
  process.stdout.write(`docs/images/${file} (${result.image.width}x${result.image.height}, ${result.image.png.length} bytes)\n  alt: ${result.image.altText}\n`);
}

const renderer = createChartRenderer();
try {
  mkdirSync(OUT, { recursive: true });
  save(await renderer.scoreChart(EXAMPLE_SCORE), 'score-chart.png');
  save(await renderer.classReport(EXAMPLE_REPORT), 'class-report.png');
} finally {
  await renderer.close();
}
