/**
 * `npm run bench:charts`: only the chart rows of `npm run bench` (bench/lib/charts.ts),
 * in a few seconds, for working on src/charts. Exits 1 when a target is missed.
 */
import { benchCharts, chartRows } from './lib/charts.js';
import { ensureBuilt } from './lib/child.js';
import { machineInfo } from './lib/machine.js';
import { renderTable } from './lib/table.js';

const log = (msg: string) => process.stderr.write(`[bench:charts] ${msg}\n`);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');
const missed: string[] = [];
const check = (name: string, measured: string, met: boolean) => {
  if (!met) missed.push(`${name} (${measured})`);
  return met ? 'met' : 'MISSED';
};

const machine = machineInfo();
log(`machine: ${machine.nproc} cores, ${machine.cpu}, node ${machine.node}, loadavg ${machine.loadavgStart}`);
ensureBuilt(log);
const result = await benchCharts(log);
process.stdout.write(`\n${renderTable(chartRows(result, check, fmt))}\n\n${missed.length ? `Missed: ${missed.join('; ')}` : 'All chart targets met.'}\n`);
process.exit(missed.length ? 1 : 0);
