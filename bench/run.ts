/**
 * `npm run bench`: the bot against a bare discord.js baseline, side by side, on
 * the local Discord (loopback gateway + REST). Each runs in its own child
 * process; this process is the load generator and the stand-in. Prints a table
 * and writes bench/results/latest.json.
 *
 *   BENCH_PROFILE=1   also write a V8 CPU profile of the bot child (bench/results/*.cpuprofile) and summarise it in latest.json
 *   BENCH_QUICK=1     shorter slices (for working on the bench itself; numbers are noisier)
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchCharts, chartRows } from './lib/charts.js';
import { ensureBuilt, ROOT } from './lib/child.js';
import { closedLoop, openLoop, result, Tally, type Phase, type PhaseResult } from './lib/driver.js';
import { MachineLoad, machineInfo } from './lib/machine.js';
import { summariseProfile } from './lib/profile-summary.js';
import { accept, AckLedger, clickPayloads, excerptPayloads, leaderboardPayloads, seedTallies } from './lib/scenarios.js';
import { round, summarise } from './lib/stats.js';
import { renderTable, type Row } from './lib/table.js';
import { startRound, startTarget, stopRound, type Target } from './lib/target.js';

const QUICK = process.env.BENCH_QUICK === '1';
const PROFILE = process.env.BENCH_PROFILE === '1';
const SLICE_MS = QUICK ? 400 : 1000;
const SLICES = QUICK ? 2 : 3;
const LEVELS = [1, 50, 200] as const;
const OPEN_RATE = 1000;
const OPEN_MAX_IN_FLIGHT = 200;
const OPEN_MS = QUICK ? 2000 : 4000;
const LEADERBOARD_USERS = 50_000;
const RSS_GUILDS = [1, 100, 2500] as const;
const CHANNELS_PER_GUILD = 50;
const RESULTS = join(ROOT, 'bench/results');

const t0 = performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);

interface Side {
  target: Target;
  tally: Tally;
}

/**
 * Alternates slices of the baseline and the bot (and the optional extra
 * reference) so all see the same background load.
 */
async function interleaved(
  base: Target,
  bot: Target,
  run: (target: Target, tally: Tally, phase: (payload: Phase['payload'], ok: Phase['accept']) => Phase) => Promise<void>,
  slices = SLICES,
  extra?: Target,
): Promise<{ baseline: PhaseResult; bot: PhaseResult; extra?: PhaseResult }> {
  const sides: Side[] = [base, bot, ...(extra ? [extra] : [])].map((target) => ({ target, tally: new Tally() }));
  for (let s = 0; s < slices; s++) {
    // Which side goes first alternates too.
    for (const side of s % 2 === 0 ? sides : [...sides].reverse()) {
      await run(side.target, side.tally, (payload, ok) => ({ payload, accept: ok, childCpu: () => side.target.child.cpuMs() }));
      await sleep(50);
    }
  }
  return { baseline: result(sides[0]!.tally), bot: result(sides[1]!.tally), ...(extra ? { extra: result(sides[2]!.tally) } : {}) };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  log(`machine: ${machine.nproc} cores, ${machine.cpu}, node ${machine.node}, loadavg ${machine.loadavgStart}`);
  ensureBuilt(log);
  const ledger = new AckLedger();
  const json: Record<string, unknown> = { startedAt: new Date().toISOString(), machine, settings: { SLICE_MS, SLICES, LEVELS, OPEN_RATE, OPEN_MAX_IN_FLIGHT, OPEN_MS, LEADERBOARD_USERS, RSS_GUILDS, CHANNELS_PER_GUILD, QUICK } };
  // Profiles go to bench/results/*.cpuprofile (git-ignored); the previous run's are removed.
  const profileDir = PROFILE ? RESULTS : undefined;
  mkdirSync(RESULTS, { recursive: true });
  if (profileDir) for (const f of readdirSync(RESULTS).filter((name) => name.endsWith('.cpuprofile'))) rmSync(join(RESULTS, f));

  // ---------- load: both children up, the bot's SQLite seeded with 50,000 tallies in guild 2 ----------
  let leaderboardGuild = '';
  let seedMs = 0;
  const bot = await startTarget('bot', {
    guilds: 2,
    channelsPerGuild: CHANNELS_PER_GUILD,
    cpuProfDir: profileDir,
    prepare: async (discord, file) => {
      leaderboardGuild = [...discord.state.guilds.keys()][1]!;
      seedMs = await seedTallies(file, leaderboardGuild, LEADERBOARD_USERS);
    },
  });
  log(`seeded ${LEADERBOARD_USERS} tallies in ${seedMs.toFixed(0)} ms; bot up (first answer ${bot.firstAnswerMs.toFixed(0)} ms after spawn)`);
  const base = await startTarget('baseline', { guilds: 2, channelsPerGuild: CHANNELS_PER_GUILD });
  log(`baseline up (first answer ${base.firstAnswerMs.toFixed(0)} ms after spawn)`);
  // A second baseline that replies with the bot's own /excerpt message body (same bytes, built once):
  // it tells the cost of the bigger reply apart from the cost of the bot's work.
  const sample = await bot.driver.send(excerptPayloads(bot.discord)(4), true);
  const excerptBody = JSON.stringify({ embeds: sample.response?.data?.embeds, components: sample.response?.data?.components, allowedMentions: { parse: [] } });
  const sameBytes = await startTarget('baseline', { guilds: 2, channelsPerGuild: CHANNELS_PER_GUILD, env: { BASELINE_REPLY: excerptBody } });
  const guild1 = bot.discord.guild.id;
  const load = new MachineLoad(() => bot.child.cpuMs() + base.child.cpuMs() + sameBytes.child.cpuMs() + (process.cpuUsage().user + process.cpuUsage().system) / 1000);

  const excerpts = { bot: excerptPayloads(bot.discord), baseline: excerptPayloads(base.discord), sameBytes: excerptPayloads(sameBytes.discord) };
  let nextChannel = 10;
  const channelPair = () => [bot.discord.channel(`channel-${nextChannel++}`).id, bot.discord.channel(`channel-${nextChannel++}`).id] as const;
  const rounds = async () => {
    const [a, b] = channelPair();
    const ra = await startRound(bot, a);
    const rb = await startRound(bot, b);
    return [
      { channelId: a, ...ra },
      { channelId: b, ...rb },
    ];
  };
  const clickOk = (r: Parameters<Phase['accept']>[0], d: Parameters<Phase['accept']>[1]) => {
    const ok = accept.click(r);
    if (ok) ledger.record(d);
    return ok;
  };

  // ---------- warm-up ----------
  let coldLeaderboardMs = NaN;
  {
    const warm = await rounds();
    const clicks = clickPayloads(bot, base, warm);
    for (const side of [base, bot]) {
      const isBot = side === bot;
      const tally = new Tally();
      const childCpu = () => side.child.cpuMs();
      await closedLoop(side.driver, tally, { concurrency: 50, durationMs: 60_000, maxCount: 2500, payload: isBot ? excerpts.bot : excerpts.baseline, accept: isBot ? accept.excerpt : accept.baseline, childCpu });
      await closedLoop(side.driver, tally, { concurrency: 50, durationMs: 60_000, maxCount: 2500, payload: isBot ? clicks.bot : clicks.baseline, accept: isBot ? clickOk : accept.baseline, childCpu });
      if (tally.timedOut || tally.rejected) throw new Error(`warm-up of the ${side.kind}: ${tally.timedOut} unanswered, ${tally.rejected} wrong answers`);
    }
    for (const r of warm) await stopRound(bot, r.channelId);
    // The first leaderboard a user asks for after the start: the bot reads the 50,000 tallies into its
    // standings in the background after ready, so this one no longer waits for SQLite.
    const lbBot = leaderboardPayloads(bot.discord, leaderboardGuild, LEADERBOARD_USERS);
    const lbBase = leaderboardPayloads(base.discord, [...base.discord.state.guilds.keys()][1]!, LEADERBOARD_USERS);
    for (const [side, payload, ok] of [
      [bot, lbBot, accept.leaderboard],
      [base, lbBase, accept.baseline],
    ] as const) {
      const out = await side.driver.send(payload(0));
      if (!out.answered || !ok(out.response!)) throw new Error(`warm-up leaderboard of the ${side.kind} was not answered properly`);
      if (side === bot) coldLeaderboardMs = out.ms;
      const tally = new Tally();
      await closedLoop(side.driver, tally, { concurrency: 10, durationMs: 60_000, maxCount: 50, payload, accept: ok, childCpu: () => side.child.cpuMs() });
    }
    log(`warm-up done (2,500 excerpts + 2,500 answer clicks + 50 leaderboards each; first leaderboard ${coldLeaderboardMs.toFixed(0)} ms)`);
  }

  // ---------- /excerpt, closed loop ----------
  const excerptResults: Record<number, { baseline: PhaseResult; bot: PhaseResult; extra?: PhaseResult }> = {};
  {
    const warm = new Tally();
    await closedLoop(sameBytes.driver, warm, { concurrency: 50, durationMs: 60_000, maxCount: 2500, payload: excerpts.sameBytes, accept: () => true, childCpu: () => sameBytes.child.cpuMs() });
  }
  for (const c of LEVELS) {
    excerptResults[c] = await interleaved(
      base,
      bot,
      (target, tally, phase) =>
        closedLoop(target.driver, tally, {
          concurrency: c,
          durationMs: SLICE_MS,
          ...(target === bot ? phase(excerpts.bot, accept.excerpt) : target === sameBytes ? phase(excerpts.sameBytes, accept.embedReply) : phase(excerpts.baseline, accept.baseline)),
        }),
      SLICES,
      sameBytes,
    );
    log(`/excerpt c=${c}: baseline ${excerptResults[c].baseline.throughput.toFixed(0)}/s, bot ${excerptResults[c].bot.throughput.toFixed(0)}/s`);
  }

  // ---------- quiz answer clicks, closed loop (two fresh rounds per level) ----------
  const clickResults: Record<number, { baseline: PhaseResult; bot: PhaseResult }> = {};
  for (const c of LEVELS) {
    const live = await rounds();
    const clicks = clickPayloads(bot, base, live);
    clickResults[c] = await interleaved(base, bot, (target, tally, phase) =>
      closedLoop(target.driver, tally, { concurrency: c, durationMs: SLICE_MS, ...(target === bot ? phase(clicks.bot, clickOk) : phase(clicks.baseline, accept.baseline)) }),
    );
    for (const r of live) await stopRound(bot, r.channelId);
    log(`quiz answers c=${c}: baseline ${clickResults[c].baseline.throughput.toFixed(0)}/s, bot ${clickResults[c].bot.throughput.toFixed(0)}/s`);
  }

  // ---------- open loop: 1,000 offered/s, at most 200 in flight ----------
  const open: Record<string, { baseline: PhaseResult; bot: PhaseResult }> = {};
  {
    const live = await rounds();
    const clicks = clickPayloads(bot, base, live);
    open.quiz = await interleaved(
      base,
      bot,
      (target, tally, phase) =>
        openLoop(target.driver, tally, { rate: OPEN_RATE, maxInFlight: OPEN_MAX_IN_FLIGHT, durationMs: OPEN_MS / 2, ...(target === bot ? phase(clicks.bot, clickOk) : phase(clicks.baseline, accept.baseline)) }),
      2,
    );
    for (const r of live) await stopRound(bot, r.channelId);
    log(`open loop quiz answers: bot p99 ${open.quiz.bot.latency.p99.toFixed(1)} ms, baseline p99 ${open.quiz.baseline.latency.p99.toFixed(1)} ms`);
    open.excerpt = await interleaved(
      base,
      bot,
      (target, tally, phase) =>
        openLoop(target.driver, tally, { rate: OPEN_RATE, maxInFlight: OPEN_MAX_IN_FLIGHT, durationMs: OPEN_MS / 2, ...(target === bot ? phase(excerpts.bot, accept.excerpt) : phase(excerpts.baseline, accept.baseline)) }),
      2,
    );
    log(`open loop /excerpt: bot p99 ${open.excerpt.bot.latency.p99.toFixed(1)} ms, baseline p99 ${open.excerpt.baseline.latency.p99.toFixed(1)} ms`);
  }

  // ---------- /quiz leaderboard on 50,000 tallied users ----------
  const leaderboard: Record<number, { baseline: PhaseResult; bot: PhaseResult }> = {};
  {
    const lbBot = leaderboardPayloads(bot.discord, leaderboardGuild, LEADERBOARD_USERS);
    const lbBase = leaderboardPayloads(base.discord, [...base.discord.state.guilds.keys()][1]!, LEADERBOARD_USERS);
    const counts: Record<number, number> = { 1: QUICK ? 10 : 30, 50: QUICK ? 100 : 200, 200: QUICK ? 200 : 400 };
    for (const c of LEVELS) {
      leaderboard[c] = await interleaved(
        base,
        bot,
        (target, tally, phase) =>
          closedLoop(target.driver, tally, { concurrency: c, durationMs: 30_000, maxCount: counts[c]! / 2, ...(target === bot ? phase(lbBot, accept.leaderboard) : phase(lbBase, accept.baseline)) }),
        2,
      );
      log(`leaderboard c=${c}: bot p50 ${leaderboard[c].bot.latency.p50.toFixed(1)} ms p99 ${leaderboard[c].bot.latency.p99.toFixed(1)} ms, ${leaderboard[c].bot.throughput.toFixed(1)}/s`);
    }
  }

  // ---------- scheduled prompts: due time -> post received by the server ----------
  const schedule: { lateness: number[]; threads: number } = { lateness: [], threads: 0 };
  {
    const { discord } = bot;
    const firstDue = Math.ceil((Date.now() + 3000) / 1000) * 1000;
    const planned: Array<{ channelId: string; due: number }> = [];
    for (let k = 0; k < 5; k++) {
      const channelId = discord.channel(`channel-${40 + k}`).id;
      const due = firstDue + k * 1000;
      const when = new Date(due).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const response = await discord.runCommand({ user: discord.moderator, channelId: discord.channels.general.id, name: 'prompt', subcommand: 'schedule', options: { channel: { id: channelId }, when } }).response(10_000);
      if (!/scheduled|Scheduled/.test(String(response.data?.content))) throw new Error(`/prompt schedule answered: ${String(response.data?.content)}`);
      planned.push({ channelId, due });
    }
    await Promise.all(
      planned.map(async ({ channelId, due }) => {
        let arrived = 0;
        await discord.waitForMessage(
          channelId,
          (m) => {
            const hit = (m.embeds[0] as { title?: string } | undefined)?.title === 'Discussion prompt';
            if (hit && !arrived) arrived = Date.now();
            return hit;
          },
          15_000,
        );
        schedule.lateness.push(arrived - due);
      }),
    );
    await sleep(500);
    schedule.threads = planned.filter((p) => discord.threads(p.channelId).length > 0).length;
    log(`scheduled prompts: ${schedule.lateness.map((l) => `${l} ms`).join(', ')} after their due time`);
  }

  const otherLoad = load.other();
  const botErrors = bot.child.stderr();
  await sameBytes.stop();
  await base.stop();
  await bot.stop();
  const tallies = await ledger.check(bot.storageFile, guild1);
  for (const t of [sameBytes, base, bot]) t.remove();
  log(`tallies: ${tallies.acknowledged} acknowledged clicks, ${tallies.tallied} answers tallied, lost ${tallies.lost}, extra ${tallies.extra}`);

  // ---------- start-up time and RSS after READY, each in a fresh process ----------
  const rss: Record<number, { baseline: number; bot: number; botFirstAnswerMs: number; baselineFirstAnswerMs: number }> = {};
  const startups: number[] = [];
  for (const guilds of RSS_GUILDS) {
    const row = { baseline: 0, bot: 0, botFirstAnswerMs: 0, baselineFirstAnswerMs: 0 };
    for (const kind of ['baseline', 'bot'] as const) {
      const t = await startTarget(kind, { guilds, channelsPerGuild: CHANNELS_PER_GUILD });
      // Let start-up work settle (command sync, scheduler start), then take the median of 5 samples.
      await sleep(1500);
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        samples.push(t.child.rssMb());
        await sleep(200);
      }
      row[kind] = summarise(samples).p50;
      if (kind === 'bot') row.botFirstAnswerMs = t.firstAnswerMs;
      else row.baselineFirstAnswerMs = t.firstAnswerMs;
      if (kind === 'bot' && guilds === 1) startups.push(t.firstAnswerMs);
      await t.stop();
      t.remove();
    }
    rss[guilds] = row;
    log(`RSS with ${guilds} guilds x ${CHANNELS_PER_GUILD} channels: baseline ${row.baseline.toFixed(1)} MiB, bot ${row.bot.toFixed(1)} MiB`);
  }
  // Two more cold starts of the bot with 1 guild for a steadier start-up figure.
  for (let i = 0; i < 2; i++) {
    const t = await startTarget('bot', { guilds: 1, channelsPerGuild: CHANNELS_PER_GUILD });
    startups.push(t.firstAnswerMs);
    await t.stop();
    t.remove();
  }
  const startup = summarise(startups);
  log(`start to first answer (bot, 1 guild): ${startups.map((s) => s.toFixed(0)).join(', ')} ms`);

  // ---------- charts: aggregation + PNG render in the render worker, after every child has stopped ----------
  const charts = await benchCharts(log);

  // ---------- report ----------
  const ratio = (b: number, x: number) => b / x;
  const rows: Row[] = [];
  const lat = (r: PhaseResult) => `${fmt(r.latency.p50)} / ${fmt(r.latency.p95)} / ${fmt(r.latency.p99)} / ${fmt(r.latency.max)}`;
  const targets: Array<{ name: string; measured: string; met: boolean }> = [];
  const check = (name: string, measured: string, met: boolean) => {
    targets.push({ name, measured, met });
    return met ? 'met' : 'MISSED';
  };

  for (const [label, results, min] of [
    ['/excerpt', excerptResults, 0.9],
    ['quiz answer (tally write)', clickResults, 0.85],
  ] as const) {
    for (const c of LEVELS) {
      const r = results[c]!;
      const x = ratio(r.bot.throughput, r.baseline.throughput);
      const targeted = c !== 1;
      rows.push({
        measurement: `${label} c=${c}: answers/s`,
        baseline: fmt(r.baseline.throughput, 0),
        bot: fmt(r.bot.throughput, 0),
        ratio: `${x.toFixed(2)}x`,
        target: targeted ? `>= ${min}x` : '',
        status: targeted ? check(`${label} throughput c=${c} >= ${min}x baseline`, `${x.toFixed(2)}x`, x >= min) : '',
      });
      rows.push({ measurement: `  latency p50/p95/p99/max ms`, baseline: lat(r.baseline), bot: lat(r.bot), ratio: `p99 ${(r.bot.latency.p99 / r.baseline.latency.p99).toFixed(2)}x`, target: '', status: '' });
      if ('extra' in r && r.extra) {
        rows.push({
          measurement: `  ref: baseline replying the excerpt's bytes, answers/s`,
          baseline: `${fmt(r.extra.throughput, 0)} (${(r.extra.throughput / r.baseline.throughput).toFixed(2)}x of 'ok')`,
          bot: '',
          ratio: `${(r.bot.throughput / r.extra.throughput).toFixed(2)}x of it`,
          target: '',
          status: '',
        });
      }
      rows.push({
        measurement: `  CPU per answer (child, µs) · unanswered`,
        baseline: `${fmt(r.baseline.childCpuUsPerAnswer, 0)} · ${r.baseline.timedOut + r.baseline.rejected}`,
        bot: `${fmt(r.bot.childCpuUsPerAnswer, 0)} · ${r.bot.timedOut + r.bot.rejected}`,
        ratio: `${(r.bot.childCpuUsPerAnswer / r.baseline.childCpuUsPerAnswer).toFixed(2)}x`,
        target: '',
        status: '',
      });
    }
  }
  for (const [label, r] of [
    ['quiz answers, open loop 1,000/s', open.quiz!],
    ['/excerpt, open loop 1,000/s', open.excerpt!],
  ] as const) {
    const backlog = r.bot.capped > 0 || r.bot.timedOut > 0 || (r.bot.lagMax ?? 0) > 50 || r.bot.throughput < OPEN_RATE * 0.95;
    const isQuiz = label.startsWith('quiz');
    rows.push({
      measurement: `${label}: achieved/s · max in flight`,
      baseline: `${fmt(r.baseline.throughput, 0)} · ${r.baseline.maxInFlight}`,
      bot: `${fmt(r.bot.throughput, 0)} · ${r.bot.maxInFlight}`,
      ratio: '',
      target: isQuiz ? 'no backlog' : '',
      status: isQuiz ? check('open loop 1,000 quiz answers/s: no backlog', `${fmt(r.bot.throughput, 0)}/s, max ${r.bot.maxInFlight} in flight, send lag max ${fmt(r.bot.lagMax ?? NaN)} ms`, !backlog) : '',
    });
    rows.push({
      measurement: `  latency p50/p95/p99/max ms`,
      baseline: lat(r.baseline),
      bot: lat(r.bot),
      ratio: `p99 ${(r.bot.latency.p99 / r.baseline.latency.p99).toFixed(2)}x`,
      target: isQuiz ? 'p99 <= 2x baseline' : '',
      status: isQuiz ? check('open loop 1,000 quiz answers/s: p99 <= 2x the baseline p99', `${fmt(r.bot.latency.p99)} ms vs ${fmt(r.baseline.latency.p99)} ms`, r.bot.latency.p99 <= 2 * r.baseline.latency.p99) : '',
    });
  }
  for (const c of LEVELS) {
    const r = leaderboard[c]!;
    rows.push({
      measurement: `/quiz leaderboard, 50,000 tallies, c=${c}: answers/s`,
      baseline: fmt(r.baseline.throughput, 1),
      bot: fmt(r.bot.throughput, 1),
      ratio: `${ratio(r.bot.throughput, r.baseline.throughput).toFixed(3)}x`,
      target: '',
      status: '',
    });
    rows.push({
      measurement: `  latency p50/p95/p99/max ms · unanswered`,
      baseline: `${lat(r.baseline)} · ${r.baseline.timedOut + r.baseline.rejected}`,
      bot: `${lat(r.bot)} · ${r.bot.timedOut + r.bot.rejected}`,
      ratio: '',
      target: c === 1 ? 'p99 < 10 ms' : c === 50 ? 'p99 < 50 ms' : '',
      status:
        c === 1 || c === 50
          ? check(`leaderboard on 50,000 tallied users, c=${c}: p99 < ${c === 1 ? 10 : 50} ms`, `${fmt(r.bot.latency.p99)} ms`, r.bot.latency.p99 < (c === 1 ? 10 : 50))
          : '',
    });
  }
  rows.push({
    measurement: '  first leaderboard after start, ms',
    baseline: '',
    bot: fmt(coldLeaderboardMs),
    ratio: '',
    target: '< 100 ms',
    status: check('first leaderboard after a start < 100 ms', `${fmt(coldLeaderboardMs)} ms`, coldLeaderboardMs < 100),
  });
  const late = summarise(schedule.lateness);
  rows.push({ measurement: 'scheduled prompt: due -> post received, ms (5 runs)', baseline: '', bot: `p50 ${fmt(late.p50, 0)} · max ${fmt(late.max, 0)} · ${schedule.threads}/5 threads`, ratio: '', target: '', status: '' });
  rows.push({
    measurement: 'tallies: acknowledged clicks vs SQLite',
    baseline: '',
    bot: `${tallies.acknowledged} acked, ${tallies.tallied} tallied`,
    ratio: '',
    target: '0 lost, 0 extra',
    status: check('no lost or duplicated tallies', `lost ${tallies.lost}, extra ${tallies.extra}`, tallies.lost === 0 && tallies.extra === 0),
  });
  for (const g of RSS_GUILDS) {
    const r = rss[g]!;
    rows.push({
      measurement: `RSS after READY, ${g} guild${g === 1 ? '' : 's'} x ${CHANNELS_PER_GUILD} channels (MiB)`,
      baseline: fmt(r.baseline),
      bot: fmt(r.bot),
      ratio: `${(r.bot / r.baseline).toFixed(2)}x`,
      target: g === 1 ? '<= 1.1x' : g === 2500 ? '<= 0.8x' : '',
      status:
        g === 1 || g === 2500
          ? check(`RSS with ${g === 1 ? '1 guild' : '2,500 guilds'} <= ${g === 1 ? '1.1' : '0.8'}x the baseline`, `${(r.bot / r.baseline).toFixed(2)}x`, r.bot / r.baseline <= (g === 1 ? 1.1 : 0.8))
          : '',
    });
  }
  rows.push({
    measurement: `process start -> first answer, ms (1 guild; ${startups.length} starts)`,
    baseline: fmt(rss[1]!.baselineFirstAnswerMs, 0),
    bot: `p50 ${fmt(startup.p50, 0)} · max ${fmt(startup.max, 0)}`,
    ratio: `${(startup.p50 / rss[1]!.baselineFirstAnswerMs).toFixed(2)}x`,
    target: '<= 1.2x',
    status: check('start to first answer <= 1.2x the baseline', `${(startup.p50 / rss[1]!.baselineFirstAnswerMs).toFixed(2)}x (median of ${startups.length})`, startup.p50 / rss[1]!.baselineFirstAnswerMs <= 1.2),
  });
  rows.push({ measurement: `process start -> first answer, 2,500 guilds, ms`, baseline: fmt(rss[2500]!.baselineFirstAnswerMs, 0), bot: fmt(rss[2500]!.botFirstAnswerMs, 0), ratio: '', target: '', status: '' });
  rows.push(...chartRows(charts, check, fmt));

  const header = `sourcing-bot bench · ${machine.nproc} cores (${machine.cpu}) · node ${machine.node} · other processes used ~${otherLoad.toFixed(2)} cores during the load phases`;
  const table = renderTable(rows);
  const met = targets.filter((t) => t.met).length;
  const summary = `Targets: ${met}/${targets.length} met${targets.some((t) => !t.met) ? ` · missed: ${targets.filter((t) => !t.met).map((t) => t.name).join('; ')}` : ''}`;
  process.stdout.write(`\n${header}\n\n${table}\n\n${summary}\nTotal run time ${((performance.now() - t0) / 1000).toFixed(0)} s.\n`);

  Object.assign(json, {
    finishedAt: new Date().toISOString(),
    durationS: round((performance.now() - t0) / 1000, 0),
    otherProcessesCores: round(otherLoad, 2),
    loadavgEnd: readFileSync('/proc/loadavg', 'utf8').trim(),
    excerpt: excerptResults,
    quizAnswers: clickResults,
    openLoop: open,
    leaderboard,
    leaderboardColdMs: round(coldLeaderboardMs, 1),
    leaderboardSeedMs: round(seedMs, 0),
    scheduledPrompt: { latenessMs: schedule.lateness, threadsOpened: schedule.threads },
    tallies,
    rssMb: rss,
    charts,
    startToFirstAnswerMs: { bot1Guild: startups.map((s) => round(s, 0)), baseline1Guild: round(rss[1]!.baselineFirstAnswerMs, 0) },
    targets,
    table: `${header}\n\n${table}\n\n${summary}`,
    botStderr: botErrors.slice(-4000),
  });
  if (profileDir) {
    // The main thread's profile is the biggest (worker threads, if any, write their own).
    const main = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(profileDir, f))
      .sort((a, b) => statSync(a).size - statSync(b).size)
      .pop();
    if (main) json.profile = { file: main, summary: summariseProfile(main, 30) };
  }
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote bench/results/latest.json`);
}

function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
