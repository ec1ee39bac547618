/** `/quiz score`: the learner's accuracy per skill with the server average marked, and their calibration. */
import { shareRight } from '../aggregate.js';
import { percent, shareOf, SHORT_CATEGORY_LABELS, skillOrder } from '../format.js';
import { PALETTE } from '../palette.js';
import { CONFIDENCE_LABELS, CONFIDENCE_LEVELS, IDEAL_SHARE_RIGHT, type Count, type ScoreChartInput } from '../types.js';
import { card, heading, legendItems, message, panel, PERCENT_AXIS, valueLabels, type Box } from './common.js';

export const SCORE_WIDTH = 900;
const SKILLS_HEIGHT = 470;
const CALIBRATION_HEIGHT = 330;

export const scoreHeight = (input: ScoreChartInput): number => SKILLS_HEIGHT + (input.calibration ? CALIBRATION_HEIGHT : 0);

const pct = (share: number | undefined) => (share === undefined ? null : Math.round(share * 1000) / 10);

export function drawScore(input: ScoreChartInput) {
  const width = SCORE_WIDTH;
  const height = scoreHeight(input);
  const { canvas, ctx } = card(width, height, input.name ? `${input.name}: accuracy per skill` : 'Your accuracy per skill');
  const skills = skillOrder();
  const who = input.name ?? 'You';
  const skillsBox: Box = { x: 16, y: 60, width: width - 32, height: SKILLS_HEIGHT - 70 };
  const answeredAny = skills.some((c) => (input.learner[c]?.answered ?? 0) > 0);
  if (!answeredAny) {
    message(ctx, 'No answers yet: answer a few quiz questions and your chart fills in here.', skillsBox);
  } else {
    panel(ctx, skillsBox, {
      type: 'bar',
      data: {
        labels: skills.map((c) => SHORT_CATEGORY_LABELS[c]),
        datasets: [
          { label: who, data: skills.map((c) => pct(shareRight(input.learner[c]))), backgroundColor: PALETTE.blue, order: 2, barPercentage: 0.75 },
          {
            // A line dataset drawn as marks only: a vertical tick at the server's share on each bar.
            type: 'line' as 'bar',
            label: 'Server average',
            data: skills.map((c) => pct(shareRight(input.server[c]))),
            order: 1,
            ...{ showLine: false, pointStyle: 'line', rotation: 90, pointRadius: 17, pointBorderWidth: 4, borderColor: PALETTE.vermillion, backgroundColor: PALETTE.vermillion },
          },
        ],
      },
      options: {
        indexAxis: 'y',
        layout: { padding: { right: 120 } },
        scales: { x: PERCENT_AXIS, y: { grid: { display: false } } },
        plugins: {
          legend: {
            position: 'top',
            align: 'end',
            labels: {
              usePointStyle: true,
              generateLabels: legendItems([
                { text: who, color: PALETTE.blue, mark: 'bar' },
                { text: 'Server average', color: PALETTE.vermillion, mark: 'tick' },
              ]),
            },
          },
        },
      },
      plugins: [valueLabels(skills.map((c) => shareOf(input.learner[c])))],
    });
  }
  if (input.calibration) drawCalibration(ctx, input.calibration, input.name, { x: 16, y: SKILLS_HEIGHT, width: width - 32, height: CALIBRATION_HEIGHT - 16 });
  return { canvas, width, height };
}

function drawCalibration(ctx: Parameters<typeof message>[0], calibration: NonNullable<ScoreChartInput['calibration']>, name: string | undefined, box: Box): void {
  heading(ctx, name ? `How sure ${name} was, and how often right` : 'How sure you were, and how often you were right', box.x + 8, box.y, box.width - 16);
  const chartBox = { ...box, y: box.y + 30, height: box.height - 30 };
  if (!CONFIDENCE_LEVELS.some((level) => (calibration[level]?.answered ?? 0) > 0)) {
    message(ctx, 'No answers with a confidence level yet.', chartBox);
    return;
  }
  panel(ctx, chartBox, {
    type: 'bar',
    data: {
      // Each level's figures go under its name, where the ideal's mark cannot cover them.
      labels: CONFIDENCE_LEVELS.map((level) => [CONFIDENCE_LABELS[level], calibrationFigure(calibration[level])]),
      datasets: [
        { label: 'Share right', data: CONFIDENCE_LEVELS.map((level) => pct(shareRight(calibration[level]))), backgroundColor: PALETTE.blue, order: 2, barPercentage: 0.6 },
        {
          type: 'line' as 'bar',
          label: 'Ideal',
          data: CONFIDENCE_LEVELS.map((level) => IDEAL_SHARE_RIGHT[level] * 100),
          order: 1,
          ...{ showLine: false, pointStyle: 'line', pointRadius: 60, pointBorderWidth: 4, borderColor: PALETTE.vermillion, backgroundColor: PALETTE.vermillion },
        },
      ],
    },
    options: {
      layout: { padding: { top: 8 } },
      scales: { y: PERCENT_AXIS, x: { grid: { display: false } } },
      plugins: {
        legend: {
          position: 'right',
          labels: {
            usePointStyle: true,
            generateLabels: legendItems([
              { text: 'Share right', color: PALETTE.blue, mark: 'bar' },
              { text: 'Ideal', color: PALETTE.vermillion, mark: 'level' },
            ]),
          },
        },
      },
    },
  });
}

function calibrationFigure(c: Count | undefined): string {
  const share = shareRight(c);
  return share === undefined ? 'no answers yet' : `${percent(share)} right · ${c!.correct} of ${c!.answered}`;
}
