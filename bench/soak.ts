/**
 * `npm run soak`: mixed traffic against the bot child process for SOAK_MINUTES
 * (default 10): excerpts, public quiz rounds with many clickers, leaderboards,
 * and one-off scheduled prompts firing every few seconds (each then cancelled,
 * as an admin would). RSS is sampled every 10 s; the report gives the slope over
 * the last half (MB/min) and whether memory levels off, checks that every
 * acknowledged click is in SQLite, and writes bench/results/soak-latest.json.
 * Every loop stops by itself at the deadline; everything stays on loopback.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from './lib/child.js';
import { asUser, buttonTemplate, messageJson, openLoop, result, Tally } from './lib/driver.js';
import { machineInfo } from './lib/machine.js';
import { accept, AckLedger, excerptPayloads, leaderboardPayloads, seedTallies } from './lib/scenarios.js';
import { round, summarise } from './lib/stats.js';
import { startRound, startTarget } from './lib/target.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
if (!Number.isFinite(MINUTES) || MINUTES <= 0 || MINUTES > 24 * 60) {
  process.stderr.write('SOAK_MINUTES must be a number of minutes between 0 and 1440\n');
  process.exit(2);
}
const DURATION_MS = MINUTES * 60_000;
const SAMPLE_MS = 10_000;
const EXCERPTS_PER_S = 40;
const LEADERBOARD_EVERY_MS = 2000;
const SCHEDULE_EVERY_MS = 4000;
const ROUND_SECONDS = 10;
const CLICKS_PER_ROUND = 200;
const LEADERBOARD_USERS = 5000;

const t0 = performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stderr.write(`[soak ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

interface Sample {
  atS: number;
  rssMb: number;
  cpuS: number;
  answered: number;
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

async function main(): Promise<void> {
  const machine = machineInfo();
  ensureBuilt(log);
  let lbGuild = '';
  const bot = await startTarget('bot', {
    guilds: 2,
    channelsPerGuild: 50,
    prepare: async (discord, file) => {
      lbGuild = [...discord.state.guilds.keys()][1]!;
      await seedTallies(file, lbGuild, LEADERBOARD_USERS);
    },
  });
  log(`bot up: ${bot.firstAnswerMs.toFixed(0)} ms to first answer; running ${MINUTES} min of mixed traffic`);
  const { discord } = bot;
  const deadline = performance.now() + DURATION_MS;
  const running = () => performance.now() < deadline;
  const ledger = new AckLedger();
  const counts = { rounds: 0, roundErrors: 0, clicks: 0, clickRejected: 0, leaderboards: 0, leaderboardFailed: 0, schedules: 0, posts: 0, cancels: 0, scheduleErrors: 0 };
  const lateness: number[] = [];
  const samples: Sample[] = [];
  const excerptTally = new Tally();
  const failures: string[] = [];
  const note = (what: string, error: unknown) => {
    if (failures.length < 20) failures.push(`${what}: ${(error as Error).message ?? String(error)}`);
  };

  // RSS every 10 s.
  const sampler = (async () => {
    while (running()) {
      samples.push({ atS: round((performance.now() - t0) / 1000, 0), rssMb: round(bot.child.rssMb(), 1), cpuS: round(bot.child.cpuMs() / 1000, 1), answered: excerptTally.answered + counts.clicks + counts.leaderboards });
      const s = samples[samples.length - 1]!;
      log(`RSS ${s.rssMb} MiB · CPU ${s.cpuS} s · ${s.answered} answered`);
      await sleep(Math.min(SAMPLE_MS, Math.max(0, deadline - performance.now())));
    }
  })();

  // Excerpts: open loop at a steady rate, in one-minute chunks so the loop ends at the deadline.
  const excerpts = (async () => {
    const payload = excerptPayloads(discord);
    while (running()) {
      const ms = Math.min(60_000, deadline - performance.now());
      if (ms < 500) break;
      await openLoop(bot.driver, excerptTally, { rate: EXCERPTS_PER_S, maxInFlight: 200, durationMs: ms, payload, accept: accept.excerpt, childCpu: () => bot.child.cpuMs() });
    }
  })();

  // Quiz rounds: one question each, ROUND_SECONDS long, in two alternating channels, clicked by a crowd.
  const rounds = (async () => {
    const channels = [discord.channel('channel-10').id, discord.channel('channel-11').id];
    const startedAt = new Map<string, number>();
    let k = 0;
    let user = 0;
    while (running()) {
      const channelId = channels[k++ % channels.length]!;
      try {
        // The previous round here ends by its timer after ROUND_SECONDS, then reveals and posts its summary.
        const free = (startedAt.get(channelId) ?? 0) + ROUND_SECONDS * 1000 + 1500;
        if (free > performance.now()) await sleep(free - performance.now());
        if (!running()) break;
        startedAt.set(channelId, performance.now());
        const round = await startRound(bot, channelId, ROUND_SECONDS);
        counts.rounds++;
        const template = buttonTemplate(discord, channelId, messageJson(round.message), round.customIds[0]!);
        const spacing = ((ROUND_SECONDS - 2) * 1000) / CLICKS_PER_ROUND;
        const clicks: Array<Promise<void>> = [];
        for (let c = 0; c < CLICKS_PER_ROUND && running(); c++) {
          const d = asUser(template, user++ % 20_000, round.customIds[c % round.customIds.length]);
          clicks.push(
            bot.driver.send(d).then((out) => {
              if (out.answered && accept.click(out.response!)) {
                counts.clicks++;
                ledger.record(d);
              } else {
                counts.clickRejected++;
                note('click', new Error(out.answered ? `answered ${JSON.stringify(out.response?.data?.content ?? out.response?.type)}` : 'no answer'));
              }
            }),
          );
          await sleep(spacing);
        }
        await Promise.all(clicks);
      } catch (error) {
        counts.roundErrors++;
        note('round', error);
      }
    }
  })();

  // Leaderboards on the seeded guild.
  const leaderboards = (async () => {
    const payload = leaderboardPayloads(discord, lbGuild, LEADERBOARD_USERS);
    let i = 0;
    while (running()) {
      const out = await bot.driver.send(payload(i++));
      if (out.answered && accept.leaderboard(out.response!)) counts.leaderboards++;
      else counts.leaderboardFailed++;
      await sleep(LEADERBOARD_EVERY_MS);
    }
  })();

  // One-off schedules due 3 s ahead, every few seconds, each cancelled once it has posted.
  const schedules = (async () => {
    const pending: Array<Promise<void>> = [];
    let k = 0;
    while (running()) {
      const channelId = discord.channel(`channel-${20 + (k++ % 20)}`).id;
      const due = Math.ceil((Date.now() + 3000) / 1000) * 1000;
      const when = new Date(due).toISOString().replace(/\.\d{3}Z$/, 'Z');
      try {
        const response = await discord.runCommand({ user: discord.moderator, channelId: discord.channels.general.id, name: 'prompt', subcommand: 'schedule', options: { channel: { id: channelId }, when } }).response(10_000);
        const id = /Scheduled \*\*(\w+)\*\*/.exec(String(response.data?.content))?.[1];
        if (!id) throw new Error(`/prompt schedule answered: ${String(response.data?.content)}`);
        counts.schedules++;
        const before = discord.messages(channelId).filter((m) => (m.embeds[0] as { title?: string } | undefined)?.title === 'Discussion prompt').length;
        pending.push(
          (async () => {
            let arrived = 0;
            await discord.waitFor(
              () => {
                const n = discord.messages(channelId).filter((m) => (m.embeds[0] as { title?: string } | undefined)?.title === 'Discussion prompt').length;
                if (n > before && !arrived) arrived = Date.now();
                return n > before;
              },
              20_000,
              'the scheduled prompt',
            );
            counts.posts++;
            lateness.push(arrived - due);
            await sleep(500);
            const cancel = await discord.runCommand({ user: discord.moderator, channelId: discord.channels.general.id, name: 'prompt', subcommand: 'cancel', options: { id } }).response(10_000);
            if (String(cancel.data?.content).startsWith('Cancelled')) counts.cancels++;
            else throw new Error(`/prompt cancel answered: ${String(cancel.data?.content)}`);
          })().catch((error: unknown) => {
            counts.scheduleErrors++;
            note('schedule', error);
          }),
        );
      } catch (error) {
        counts.scheduleErrors++;
        note('schedule', error);
      }
      await sleep(SCHEDULE_EVERY_MS);
    }
    await Promise.all(pending);
  })();

  await Promise.all([sampler, excerpts, rounds, leaderboards, schedules]);
  samples.push({ atS: round((performance.now() - t0) / 1000, 0), rssMb: round(bot.child.rssMb(), 1), cpuS: round(bot.child.cpuMs() / 1000, 1), answered: excerptTally.answered + counts.clicks + counts.leaderboards });
  const botOutput = bot.child.stderr();
  await bot.stop();
  const tallies = await ledger.check(bot.storageFile, discord.guild.id);
  bot.remove();

  // Slope over the last half, and whether memory levels off: the last quarter's mean vs the third quarter's.
  const startS = samples[0]!.atS;
  const endS = samples[samples.length - 1]!.atS;
  const half = samples.filter((s) => s.atS >= startS + (endS - startS) / 2);
  const slopeMbPerMin = slope(half.map((s) => [s.atS / 60, s.rssMb]));
  const q3 = samples.filter((s) => s.atS >= startS + (endS - startS) / 2 && s.atS < startS + ((endS - startS) * 3) / 4);
  const q4 = samples.filter((s) => s.atS >= startS + ((endS - startS) * 3) / 4);
  const mean = (xs: Sample[]) => xs.reduce((a, s) => a + s.rssMb, 0) / Math.max(1, xs.length);
  // RSS is a saw-tooth (the heap grows until a major GC): also fit the lowest sample of each minute.
  const troughs = new Map<number, Sample>();
  for (const s of half) {
    const minute = Math.floor(s.atS / 60);
    if (!troughs.has(minute) || troughs.get(minute)!.rssMb > s.rssMb) troughs.set(minute, s);
  }
  const troughSlope = slope([...troughs.values()].map((s) => [s.atS / 60, s.rssMb]));
  const levelsOff = Number.isFinite(slopeMbPerMin) && slopeMbPerMin < 1 && mean(q4) - mean(q3) < 5;
  const ex = result(excerptTally);
  const late = summarise(lateness);

  const lines = [
    `soak: ${MINUTES} min against the bot child · ${machine.nproc} cores (${machine.cpu}) · node ${machine.node}`,
    '',
    '| t (s) | RSS (MiB) | CPU (s) | answered |',
    '|------:|----------:|--------:|---------:|',
    ...samples.map((s) => `| ${s.atS} | ${s.rssMb.toFixed(1)} | ${s.cpuS.toFixed(1)} | ${s.answered} |`),
    '',
    `RSS slope over the last half: ${slopeMbPerMin.toFixed(2)} MB/min (${half.length} samples; per-minute lows: ${troughSlope.toFixed(2)} MB/min); last quarter mean ${mean(q4).toFixed(1)} MiB vs third quarter ${mean(q3).toFixed(1)} MiB -> ${levelsOff ? 'levels off' : 'DOES NOT level off'}`,
    `excerpts: ${ex.answered - ex.rejected} answered of ${ex.sent} (${ex.timedOut} unanswered), p50/p99/max ${ex.latency.p50.toFixed(1)}/${ex.latency.p99.toFixed(1)}/${ex.latency.max.toFixed(1)} ms`,
    `quiz: ${counts.rounds} rounds, ${counts.clicks} clicks acknowledged, ${counts.clickRejected} not (${counts.roundErrors} round errors); tallies: lost ${tallies.lost}, extra ${tallies.extra} of ${tallies.acknowledged}`,
    `leaderboards (${LEADERBOARD_USERS} tallies): ${counts.leaderboards} answered, ${counts.leaderboardFailed} failed`,
    `schedules: ${counts.schedules} created, ${counts.posts} posted (due -> post p50 ${late.p50} ms, max ${late.max} ms), ${counts.cancels} cancelled, ${counts.scheduleErrors} errors`,
  ];
  if (failures.length) lines.push('', 'failures:', ...failures.map((f) => `  ${f}`));
  process.stdout.write(`\n${lines.join('\n')}\n`);

  const out = {
    startedAt: new Date(Date.now() - (performance.now() - t0)).toISOString(),
    minutes: MINUTES,
    machine,
    samples,
    slopeMbPerMinLastHalf: round(slopeMbPerMin, 3),
    troughSlopeMbPerMinLastHalf: round(troughSlope, 3),
    levelsOff,
    excerpts: ex,
    counts,
    tallies,
    scheduleLatenessMs: lateness,
    failures,
    botOutput: botOutput.slice(-4000),
    report: lines.join('\n'),
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/soak-latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  log('wrote bench/results/soak-latest.json');
  const ok = tallies.lost === 0 && tallies.extra === 0 && levelsOff && counts.clickRejected === 0 && counts.roundErrors === 0 && counts.scheduleErrors === 0 && counts.leaderboardFailed === 0 && ex.timedOut === 0;
  process.exitCode = ok ? 0 : 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);

