/** `/quiz-admin report`: the server's accuracy per skill, answers per week, and the most-missed questions. */
import { shareRight } from '../aggregate.js';
import { shareOf, shortLabel, SHORT_CATEGORY_LABELS, skillOrder, thousands, weekLabel } from '../format.js';
import { PALETTE } from '../palette.js';
import type { ClassReportInput } from '../types.js';
import { card, heading, message, panel, PERCENT_AXIS, valueLabels, type Box } from './common.js';

export const REPORT_WIDTH = 1200;
export const REPORT_HEIGHT = 1000;
export const REPORT_WEEKS = 8;
export const REPORT_MISSED = 10;

const pct = (share: number | undefined) => (share === undefined ? null : Math.round(share * 1000) / 10);

export function drawReport(input: ClassReportInput) {
  const width = REPORT_WIDTH;
  const height = REPORT_HEIGHT;
  const { canvas, ctx } = card(width, height, `Class report${input.serverName ? `: ${input.serverName}` : ''}`);
  const half = (width - 48) / 2;
  const skillsBox: Box = { x: 16, y: 64, width: half, height: 420 };
  const weeksBox: Box = { x: 32 + half, y: 64, width: half, height: 420 };
  const missedBox: Box = { x: 16, y: 500, width: width - 32, height: height - 516 };

  const skills = skillOrder();
  heading(ctx, 'Accuracy per skill, whole server', skillsBox.x + 8, skillsBox.y, skillsBox.width);
  const inner = (box: Box): Box => ({ ...box, y: box.y + 30, height: box.height - 30 });
  if (!skills.some((c) => (input.skills[c]?.answered ?? 0) > 0)) {
    message(ctx, 'No answers in this server yet.', inner(skillsBox));
  } else {
    panel(ctx, inner(skillsBox), {
      type: 'bar',
      data: { labels: skills.map((c) => SHORT_CATEGORY_LABELS[c]), datasets: [{ label: 'Share right', data: skills.map((c) => pct(shareRight(input.skills[c]))), backgroundColor: PALETTE.blue, barPercentage: 0.75 }] },
      options: { indexAxis: 'y', layout: { padding: { right: 110 } }, scales: { x: PERCENT_AXIS, y: { grid: { display: false } } }, plugins: { legend: { display: false } } },
      plugins: [valueLabels(skills.map((c) => shareOf(input.skills[c])))],
    });
  }

  const weeks = input.weeks.slice(-REPORT_WEEKS);
  heading(ctx, `Answers per week, last ${REPORT_WEEKS} weeks`, weeksBox.x + 8, weeksBox.y, weeksBox.width);
  if (weeks.length === 0) {
    message(ctx, 'No answers yet.', inner(weeksBox));
  } else {
    panel(ctx, inner(weeksBox), {
      type: 'bar',
      data: { labels: weeks.map((w) => weekLabel(w.start)), datasets: [{ label: 'Answers', data: weeks.map((w) => w.answers), backgroundColor: PALETTE.green, barPercentage: 0.7 }] },
      options: {
        layout: { padding: { top: 24 } },
        scales: { y: { beginAtZero: true, grace: '8%', ticks: { precision: 0 }, grid: { color: PALETTE.grid } }, x: { grid: { display: false } } },
        plugins: { legend: { display: false } },
      },
      plugins: [valueLabels(weeks.map((w) => thousands(w.answers)))],
    });
  }

  const missed = input.missed.slice(0, REPORT_MISSED);
  heading(ctx, `Most-missed questions: share right`, missedBox.x + 8, missedBox.y, missedBox.width);
  if (missed.length === 0) {
    message(ctx, 'No question has been answered often enough yet.', inner(missedBox));
  } else {
    panel(ctx, inner(missedBox), {
      type: 'bar',
      data: { labels: missed.map((q) => shortLabel(q.label, 48)), datasets: [{ label: 'Share right', data: missed.map((q) => pct(shareRight(q))), backgroundColor: PALETTE.vermillion, barPercentage: 0.75 }] },
      options: { indexAxis: 'y', layout: { padding: { right: 110 } }, scales: { x: PERCENT_AXIS, y: { grid: { display: false } } }, plugins: { legend: { display: false } } },
      plugins: [valueLabels(missed.map((q) => shareOf(q)))],
    });
  }
  return { canvas, width, height };
}
