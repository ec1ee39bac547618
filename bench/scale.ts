/**
 * `npm run bench:scale`: quiz answers on the bot as one process on SQLite, and
 * with 1, 2 and 4 shards (SHARDS=N, one process each) on Redis and on
 * PostgreSQL, all in the same run and in alternating slices so every
 * configuration sees the same background load. Reports answers per second as
 * a ratio to SQLite, latency, the CPU of the bot processes and of the store
 * server per answer, checks every acknowledged click against the stored
 * tallies, and writes bench/results/scale.json.
 *
 *   TEST_REDIS_URL, TEST_POSTGRES_URL   servers to use (default: throwaway ones from scripts/test-servers.sh)
 *   BENCH_QUICK=1                       shorter slices (for working on the bench itself)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from './lib/child.js';
import { closedLoop, result, Tally, type PhaseResult } from './lib/driver.js';
import { machineInfo, machineJiffies } from './lib/machine.js';
import { childrenOf, treeCpuMs } from './lib/proc.js';
import { accept, GuildLedger, guildClickPayloads, type GuildCheck } from './lib/scenarios.js';
import { round } from './lib/stats.js';
import { freshPostgres, freshRedis, servers, type FreshStore } from './lib/stores.js';
import { renderGrid } from './lib/table.js';
import { startRound, startTarget, stopRound, type Target } from './lib/target.js';

const QUICK = process.env.BENCH_QUICK === '1';
/** Interactions in flight at once, over all guilds. */
const CONCURRENCY = Number(process.env.SCALE_CONCURRENCY ?? 200);
const SLICE_MS = QUICK ? 1000 : 2500;
const SLICES = QUICK ? 2 : 4;
const WARMUP_CLICKS = QUICK ? 800 : 1500;
/** One guild per shard at 4 shards; each guild runs two rounds at once (two channels). */
const GUILDS = 4;
const ROUNDS_PER_GUILD = 2;
const RESULTS = join(ROOT, 'bench/results');
/** A round lasts at most 120 s; the rounds of a configuration are started again when this old. */
const ROUND_MAX_AGE_MS = 90_000;

type StoreKind = 'sqlite' | 'redis' | 'postgres';
interface Config {
  name: string;
  store: StoreKind;
  /** 0: one process without the shard manager (SQLite cannot be shared). */
  shards: number;
}
const CONFIGS: Config[] = [
  { name: 'SQLite, 1 process', store: 'sqlite', shards: 0 },
  { name: 'Redis, 1 shard', store: 'redis', shards: 1 },
  { name: 'Redis, 2 shards', store: 'redis', shards: 2 },
  { name: 'Redis, 4 shards', store: 'redis', shards: 4 },
  { name: 'PostgreSQL, 1 shard', store: 'postgres', shards: 1 },
  { name: 'PostgreSQL, 2 shards', store: 'postgres', shards: 2 },
  { name: 'PostgreSQL, 4 shards', store: 'postgres', shards: 4 },
];

const t0 = performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stderr.write(`[scale ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);
const uptime = () => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average ${readFileSync('/proc/loadavg', 'utf8').trim()}`;
  }
};

interface Running {
  config: Config;
  target: Target;
  store: FreshStore | undefined;
  storageUrl: string;
  ledger: GuildLedger;
  tally: Tally;
  /** CPU of the store server's processes during the measured slices, ms. */
  storeCpuMs: number;
  /** Cores busy machine-wide, and with work that was not this run's, summed over slices weighted by time (ms of core time). */
  machineBusyMs: number;
  otherMs: number;
  /** Wall time of the measured windows, ms. */
  wallMs: number;
  /** CPU per shard process during the measured slices, ms (manager excluded). */
  shardCpuMs: number[];
  /** CPU of the manager process itself (SHARDS=N), ms. */
  managerCpuMs: number;
  channels: string[];
  stopped: boolean;
  /** The rounds running now, and the click counter that gives each click its round and user. */
  rounds: { startedAt: number; payload: (k: number) => Record<string, unknown> } | undefined;
  clicks: number;
}

function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function start(config: Config, urls: { redis: string; postgres: string }): Promise<Running> {
  const store = config.store === 'redis' ? await freshRedis(urls.redis) : config.store === 'postgres' ? await freshPostgres(urls.postgres) : undefined;
  const env: Record<string, string> = {};
  if (store) env.STORAGE_URL = store.url;
  if (config.shards > 0) env.SHARDS = String(config.shards);
  const target = await startTarget('bot', {
    guilds: GUILDS,
    channelsPerGuild: 6,
    env,
    // Guild i is on shard i % shards; without shards the ids are the same kind of snowflakes.
    shards: Math.max(1, config.shards),
    startTimeoutMs: 180_000,
  });
  const guilds = [...target.discord.state.guilds.values()];
  // The last text channels of each guild (the probes use the first).
  const channels = guilds.flatMap((g) => g.channels.filter((c) => c.type === 0).slice(-ROUNDS_PER_GUILD).map((c) => c.id));
  log(`${config.name}: up (first answer ${target.firstAnswerMs.toFixed(0)} ms after spawn${config.shards > 1 ? ', every shard answering' : ''})`);
  return {
    config,
    target,
    store,
    storageUrl: store?.url ?? `sqlite://${target.storageFile}`,
    ledger: new GuildLedger(),
    tally: new Tally(),
    storeCpuMs: 0,
    machineBusyMs: 0,
    otherMs: 0,
    wallMs: 0,
    shardCpuMs: [],
    managerCpuMs: 0,
    channels,
    stopped: false,
    rounds: undefined,
    clicks: 0,
  };
}

/**
 * A round in every channel of the scenario (two per guild), started when there
 * are none or they are near their end; between slices they stay open, so the
 * measured loops see only clicks.
 */
async function roundsFor(r: Running): Promise<(k: number) => Record<string, unknown>> {
  if (r.rounds && performance.now() - r.rounds.startedAt < ROUND_MAX_AGE_MS) return r.rounds.payload;
  await stopRounds(r);
  const startedAt = performance.now();
  const rounds = [];
  for (const channelId of r.channels) rounds.push({ channelId, ...(await startRound(r.target, channelId)) });
  const byClick = guildClickPayloads(r.target, rounds);
  r.clicks = 0;
  // Every click takes the next number, whichever loop sends it: no user clicks one round twice.
  r.rounds = { startedAt, payload: () => byClick(r.clicks++) };
  return r.rounds.payload;
}

async function stopRounds(r: Running): Promise<void> {
  if (!r.rounds) return;
  const age = performance.now() - r.rounds.startedAt;
  r.rounds = undefined;
  for (const channelId of r.channels) {
    // A round left alone past its 120 s has ended by itself (while other configurations ran).
    if (age < 110_000) {
      await stopRound(r.target, channelId);
      continue;
    }
    const response = await r.target.discord.runCommand({ user: r.target.discord.member, channelId, name: 'quiz', subcommand: 'stop' }).response(10_000);
    const content = String(response.data?.content ?? '');
    if (content !== 'Round stopped.' && !content.startsWith('No round is running')) throw new Error(`/quiz stop in ${channelId} answered: ${content}`);
  }
}

/** Closed loop of quiz answer clicks on `r`, each acknowledged click in the ledger. */
async function clicks(r: Running, tally: Tally, options: { durationMs: number; maxCount?: number; childCpu: () => number }): Promise<void> {
  const payload = await roundsFor(r);
  await closedLoop(r.target.driver, tally, {
    concurrency: CONCURRENCY,
    payload,
    accept: (response, d) => {
      const ok = accept.click(response);
      if (ok) r.ledger.record(d);
      return ok;
    },
    unanswered: (d) => r.ledger.recordUnanswered(d),
    ...options,
  });
}

const shardPids = (r: Running) => (r.config.shards > 0 ? childrenOf(r.target.child.pid) : []);

async function measureSlice(r: Running, all: Running[]): Promise<void> {
  // Rounds are (re)started before the window opens: the window holds only the clicks.
  await roundsFor(r);
  const storePid = r.store?.serverPid;
  const pids = shardPids(r);
  const shard0 = pids.map(treeCpuMs);
  const manager0 = r.target.child.cpuMs();
  const store0 = storePid ? treeCpuMs(storePid) : 0;
  const ours0 = ownCpuMs() + all.reduce((n, x) => n + treeCpuMs(x.target.child.pid), 0);
  const m0 = machineJiffies();
  const wall0 = performance.now();
  await clicks(r, r.tally, { durationMs: SLICE_MS, childCpu: () => treeCpuMs(r.target.child.pid) });
  const wallMs = performance.now() - wall0;
  const m1 = machineJiffies();
  const storeMs = storePid ? treeCpuMs(storePid) - store0 : 0;
  const oursMs = ownCpuMs() + all.reduce((n, x) => n + treeCpuMs(x.target.child.pid), 0) - ours0 + storeMs;
  const busyMs = ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * cpus().length * wallMs;
  r.wallMs += wallMs;
  r.machineBusyMs += busyMs;
  r.otherMs += Math.max(0, busyMs - oursMs);
  r.storeCpuMs += storeMs;
  r.managerCpuMs += r.target.child.cpuMs() - manager0;
  pids.forEach((pid, i) => (r.shardCpuMs[i] = (r.shardCpuMs[i] ?? 0) + treeCpuMs(pid) - shard0[i]!));
}

interface Summary {
  name: string;
  store: StoreKind;
  shards: number;
  phase: PhaseResult;
  ratioToSqlite: number;
  /** Cores, averaged over the measured loops. */
  botCores: number;
  storeCores: number | null;
  generatorCores: number;
  otherCores: number;
  machineCores: number;
  botCpuUsPerAnswer: number;
  storeCpuUsPerAnswer: number | null;
  /** Each shard process's share of the bot's CPU (without the manager), in shard order. */
  shardShare: number[];
  managerCpuUsPerAnswer: number | null;
  tallies: GuildCheck;
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const uptimeStart = uptime();
  log(`machine: ${machine.nproc} cores, ${machine.cpu}, node ${machine.node}`);
  log(`before: ${uptimeStart}`);
  ensureBuilt(log);
  const srv = servers(log);
  const running: Running[] = [];
  try {
    // All configurations start together (a ShardingManager starts its shards 5.5 s apart) and stay up,
    // so the measured slices can alternate between them.
    const started = await Promise.allSettled(CONFIGS.map((c) => start(c, { redis: srv.redisUrl, postgres: srv.postgresUrl })));
    for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    for (const r of running) if (r.store && r.store.serverPid === undefined) log(`${r.config.name}: the store server is not a process on this machine, its CPU is not measured`);

    // ---------- warm-up: every shard answers clicks until its code is compiled and its connections are open ----------
    await sleep(1000);
    for (const r of running) {
      // A gentle start first: the first clicks of a fresh process are slow (compiling, opening connections).
      const gentle = new Tally();
      await closedLoop(r.target.driver, gentle, {
        concurrency: 20,
        durationMs: 60_000,
        maxCount: 300,
        payload: await roundsFor(r),
        accept: (response, d) => {
          const ok = accept.click(response);
          if (ok) r.ledger.record(d);
          return ok;
        },
        unanswered: (d) => r.ledger.recordUnanswered(d),
        childCpu: () => 0,
      });
      const tally = new Tally();
      await clicks(r, tally, { durationMs: 60_000, maxCount: WARMUP_CLICKS, childCpu: () => 0 });
      const missed = gentle.timedOut + gentle.rejected + tally.timedOut + tally.rejected;
      log(`${r.config.name}: warm-up done (${WARMUP_CLICKS} clicks, ${((WARMUP_CLICKS * 1000) / tally.elapsedMs).toFixed(0)}/s${missed ? `, ${missed} not answered in time or refused` : ''})`);
      if (tally.rejected + gentle.rejected) throw new Error(`warm-up of ${r.config.name}: ${tally.rejected + gentle.rejected} clicks refused\n${r.target.child.stderr().slice(-3000)}`);
    }

    // ---------- measured: slices alternate between the configurations, the order reversed every other time ----------
    const loadStart = readFileSync('/proc/loadavg', 'utf8').trim();
    for (let s = 0; s < SLICES; s++) {
      for (const r of s % 2 === 0 ? running : [...running].reverse()) {
        await measureSlice(r, running);
        await sleep(100);
      }
      log(`slice ${s + 1}/${SLICES}: ${running.map((r) => `${r.config.name} ${((r.tally.answered * 1000) / r.tally.elapsedMs).toFixed(0)}/s`).join(', ')}`);
    }
    const loadEnd = readFileSync('/proc/loadavg', 'utf8').trim();

    // ---------- stop every bot (each flushes its writes), then compare the stored tallies with the acknowledged clicks ----------
    const summaries: Summary[] = [];
    const stderrTails: Record<string, string> = {};
    for (const r of running) {
      await stopRounds(r);
      stderrTails[r.config.name] = r.target.child.stderr().slice(-2000);
      await r.target.stop();
      r.stopped = true;
    }
    for (const r of running) {
      const tallies = await r.ledger.check(r.storageUrl);
      log(`${r.config.name}: ${tallies.acknowledged} acknowledged clicks in ${tallies.guilds} guilds (+${tallies.unanswered} unanswered), ${tallies.stored} answers stored, lost ${tallies.lost}, extra ${tallies.extra}`);
      const phase = result(r.tally);
      const accepted = r.tally.answered - r.tally.rejected;
      const shardTotal = r.shardCpuMs.reduce((a, b) => a + b, 0);
      summaries.push({
        name: r.config.name,
        store: r.config.store,
        shards: r.config.shards,
        phase,
        ratioToSqlite: NaN,
        botCores: phase.childCores,
        storeCores: r.store?.serverPid ? r.storeCpuMs / r.wallMs : null,
        generatorCores: phase.genCores,
        otherCores: r.otherMs / r.wallMs,
        machineCores: r.machineBusyMs / r.wallMs,
        botCpuUsPerAnswer: phase.childCpuUsPerAnswer,
        storeCpuUsPerAnswer: r.store?.serverPid ? (r.storeCpuMs * 1000) / accepted : null,
        shardShare: r.shardCpuMs.map((ms) => ms / Math.max(1, shardTotal)),
        managerCpuUsPerAnswer: r.config.shards > 0 ? (r.managerCpuMs * 1000) / accepted : null,
        tallies,
      });
    }
    const sqlite = summaries[0]!;
    for (const s of summaries) s.ratioToSqlite = s.phase.throughput / sqlite.phase.throughput;
    const uptimeEnd = uptime();

    // ---------- report ----------
    const fmt = (n: number | null, digits = 0) => (n === null || !Number.isFinite(n) ? '-' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
    const table = renderGrid(
      ['Configuration', 'answers/s', 'x SQLite', 'p50 / p99 ms', 'unanswered', 'bot CPU µs/answer', 'store CPU µs/answer', 'cores: bot / store / generator / other', 'shard CPU split', 'stored vs acked'],
      summaries.map((s) => [
        s.name,
        fmt(s.phase.throughput),
        `${s.ratioToSqlite.toFixed(2)}x`,
        `${fmt(s.phase.latency.p50, 1)} / ${fmt(s.phase.latency.p99, 1)}`,
        `${s.phase.timedOut + s.phase.rejected} of ${s.phase.sent}`,
        fmt(s.botCpuUsPerAnswer),
        s.store === 'sqlite' ? '(in the bot)' : fmt(s.storeCpuUsPerAnswer),
        `${fmt(s.botCores, 2)} / ${s.store === 'sqlite' ? '-' : fmt(s.storeCores, 2)} / ${fmt(s.generatorCores, 2)} / ${fmt(s.otherCores, 2)}`,
        s.shardShare.length > 1 ? s.shardShare.map((x) => `${Math.round(x * 100)}`).join('/') + ' %' : '',
        `${s.tallies.stored} / ${s.tallies.acknowledged}${s.tallies.unanswered ? ` (+${s.tallies.storedUnanswered} of ${s.tallies.unanswered} late)` : ''}${s.tallies.lost || s.tallies.extra ? ` LOST ${s.tallies.lost} EXTRA ${s.tallies.extra}` : ''}`,
      ]),
    );

    // What more cores would give: each shard is one Node process, so it is bounded by one core's worth
    // of its CPU per answer; the store by its own CPU per answer (Redis runs commands on one thread,
    // PostgreSQL one process per connection).
    // What more cores would give. Each shard is one Node process: with a core of its own it answers at
    // most 1e6 / (its CPU per answer) per second, so N shards N times that, for as long as the store keeps
    // up (Redis runs commands on one thread; PostgreSQL runs one process per connection). The CPU per
    // answer measured with 1 shard is the optimistic end; with 4 shards sharing 2 cores (more processes
    // than cores: switching, colder caches, fewer clicks to batch per process) the pessimistic one.
    const predictions = (['redis', 'postgres'] as const).map((store) => {
      const of = (n: number) => summaries.find((s) => s.store === store && s.shards === n)!;
      const bot = [of(1).botCpuUsPerAnswer, of(4).botCpuUsPerAnswer].sort((a, b) => a - b) as [number, number];
      const storeUs = [of(1).storeCpuUsPerAnswer ?? NaN, of(4).storeCpuUsPerAnswer ?? NaN].sort((a, b) => a - b) as [number, number];
      const perShard = [1e6 / bot[1], 1e6 / bot[0]] as const;
      return {
        store,
        botCpuUsPerAnswer: bot.map((x) => round(x, 0)),
        perShardAnswersPerSecond: perShard.map((x) => round(x, 0)),
        storeCpuUsPerAnswer: storeUs.map((x) => round(x, 0)),
        storeAnswersPerCore: [round(1e6 / storeUs[1], 0), round(1e6 / storeUs[0], 0)],
        /** Cores the store needs for every 1,000 answers/s. */
        storeCoresPer1000: storeUs.map((x) => round(x / 1000, 2)),
        byShards: [1, 2, 4, 8, 16].map((n) => ({ shards: n, answersPerSecond: perShard.map((x) => round(n * x, 0)) })),
      };
    });
    const span = (a: number, b: number, digits = 0) => (Math.round(a) === Math.round(b) ? fmt(a, digits) : `${fmt(a, digits)}-${fmt(b, digits)}`);
    const predictionText = predictions
      .map((p) => {
        const name = p.store === 'redis' ? 'Redis' : 'PostgreSQL';
        const lines = p.byShards.map((b) => `${b.shards} shard${b.shards === 1 ? '' : 's'} ~${span(b.answersPerSecond[0]!, b.answersPerSecond[1]!)}/s`).join(' · ');
        return `${name}: bot ${span(p.botCpuUsPerAnswer[0]!, p.botCpuUsPerAnswer[1]!)} µs CPU per answer -> ${span(p.perShardAnswersPerSecond[0]!, p.perShardAnswersPerSecond[1]!)} answers/s per shard on a core of its own; store ${span(p.storeCpuUsPerAnswer[0]!, p.storeCpuUsPerAnswer[1]!)} µs CPU per answer -> ${span(p.storeCoresPer1000[0]!, p.storeCoresPer1000[1]!, 2)} store cores per 1,000 answers/s.\n  ${lines} (while the store has the cores)`;
      })
      .join('\n');

    const header = [
      `sourcing-bot bench:scale · ${machine.nproc} cores (${machine.cpu}) · node ${machine.node} · ${CONCURRENCY} clicks in flight over ${GUILDS} guilds x ${ROUNDS_PER_GUILD} rounds · ${SLICES} slices of ${SLICE_MS / 1000} s per configuration, alternating`,
      `before: ${uptimeStart}`,
      `after:  ${uptimeEnd}`,
      `load average over the measured slices: ${loadStart} -> ${loadEnd}; machine busy ${summaries.map((s) => fmt(s.machineCores, 2)).join(' / ')} of ${machine.nproc} cores (per configuration, in table order)`,
    ].join('\n');
    const lost = summaries.filter((s) => s.tallies.lost || s.tallies.extra);
    const verdict = lost.length ? `TALLIES WRONG in ${lost.map((s) => s.name).join(', ')}` : 'Every acknowledged click is in the store exactly once, in every configuration.';
    process.stdout.write(`\n${header}\n\n${table}\n\n${verdict}\n\nPrediction with one core per shard (and the store on cores of its own), from CPU per answer:\n${predictionText}\n\nTotal run time ${((performance.now() - t0) / 1000).toFixed(0)} s.\n`);

    mkdirSync(RESULTS, { recursive: true });
    const json = {
      startedAt: new Date(Date.now() - (performance.now() - t0)).toISOString(),
      finishedAt: new Date().toISOString(),
      durationS: round((performance.now() - t0) / 1000, 0),
      machine,
      uptimeStart,
      uptimeEnd,
      loadavgMeasured: { start: loadStart, end: loadEnd },
      settings: { CONCURRENCY, SLICE_MS, SLICES, WARMUP_CLICKS, GUILDS, ROUNDS_PER_GUILD, QUICK, serversStartedByTheRun: srv.started },
      configurations: summaries.map((s) => ({
        ...s,
        ratioToSqlite: round(s.ratioToSqlite, 3),
        botCores: round(s.botCores, 2),
        storeCores: s.storeCores === null ? null : round(s.storeCores, 2),
        generatorCores: round(s.generatorCores, 2),
        otherCores: round(s.otherCores, 2),
        machineCores: round(s.machineCores, 2),
        botCpuUsPerAnswer: round(s.botCpuUsPerAnswer, 0),
        storeCpuUsPerAnswer: s.storeCpuUsPerAnswer === null ? null : round(s.storeCpuUsPerAnswer, 0),
        managerCpuUsPerAnswer: s.managerCpuUsPerAnswer === null ? null : round(s.managerCpuUsPerAnswer, 1),
        shardShare: s.shardShare.map((x) => round(x, 3)),
      })),
      predictions,
      tallies: lost.length === 0 ? 'ok' : 'wrong',
      table: `${header}\n\n${table}\n\n${verdict}\n\n${predictionText}`,
      botStderr: stderrTails,
    };
    writeFileSync(join(RESULTS, 'scale.json'), `${JSON.stringify(json, null, 2)}\n`);
    log('wrote bench/results/scale.json');
    if (lost.length) process.exitCode = 1;
  } finally {
    for (const r of running) {
      if (!r.stopped) await r.target.stop().catch(() => {});
      r.target.remove();
      await r.store?.drop().catch(() => {});
    }
    srv.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench:scale failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
