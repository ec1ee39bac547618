/**
 * A lean load generator on the local Discord's public API: payloads are built
 * once as templates, each dispatch only swaps the user (and custom id), and the
 * answer is observed through the stand-in's per-interaction listener, so the
 * latency is dispatch -> interaction callback received by the server.
 */
import type { InteractionResponseRecord, LocalDiscord, MessageRecord } from '../../tools/local-discord/index.js';
import { summarise, type LatencySummary } from './stats.js';

type Obj = Record<string, unknown>;

export interface Outcome {
  /** The callback arrived in time. */
  answered: boolean;
  /** dispatch -> callback received by the stand-in, ms. */
  ms: number;
  response?: InteractionResponseRecord;
  dispatchedAt: number;
}

export class Driver {
  readonly #pending = new Map<string, { t0: number; off: () => void; resolve: (o: Outcome) => void }>();
  readonly #sweeper: NodeJS.Timeout;
  timedOut = 0;

  constructor(
    readonly discord: LocalDiscord,
    readonly timeoutMs = 5000,
  ) {
    this.#sweeper = setInterval(() => this.#sweep(), 200);
    this.#sweeper.unref();
  }

  /**
   * Dispatches one INTERACTION_CREATE. Unless `keep`, the stand-in forgets the
   * interaction once answered (the bench sends hundreds of thousands; webhook
   * edits of these interactions are never needed).
   */
  send(d: Obj, keep = false): Promise<Outcome> {
    const { discord } = this;
    const t0 = performance.now();
    const handle = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d });
    const { id, token } = handle;
    return new Promise<Outcome>((resolve) => {
      const off = discord.state.listenInteraction(id, () => {
        const response = handle.record.response;
        if (!response) return;
        const ms = performance.now() - t0;
        off();
        this.#pending.delete(id);
        if (!keep) {
          discord.state.interactions.delete(token);
          discord.state.interactionsById.delete(id);
          // Private replies would otherwise fill the channel and push out (with maxMessagesPerChannel)
          // the quiz question the bot edits later.
          if (response.message?.ephemeral) discord.state.deleteMessage(response.message);
        }
        resolve({ answered: true, ms, response, dispatchedAt: t0 });
      });
      this.#pending.set(id, { t0, off, resolve });
    });
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  #sweep(): void {
    const now = performance.now();
    for (const [id, p] of this.#pending) {
      if (now - p.t0 < this.timeoutMs) continue;
      p.off();
      this.#pending.delete(id);
      this.timedOut++;
      p.resolve({ answered: false, ms: now - p.t0, dispatchedAt: p.t0 });
    }
  }

  close(): void {
    clearInterval(this.#sweeper);
  }
}

// ---- payload templates ----

/** A command payload as Discord would send it, minus id/token (the stand-in makes fresh ones per dispatch). */
export function commandTemplate(discord: LocalDiscord, input: { channelId: string; name: string; subcommand?: string; options?: Record<string, string | number> }): Obj {
  const payload = discord.commandPayload({ user: discord.member, ...input });
  delete payload.id;
  delete payload.token;
  return payload;
}

/** The message a button sits on, as Discord includes it in a component interaction. */
export function messageJson(m: MessageRecord, channelId = m.channel_id): Obj {
  return {
    type: m.type,
    channel_id: channelId,
    content: m.content,
    attachments: [],
    embeds: m.embeds,
    timestamp: m.timestamp,
    edited_timestamp: m.edited_timestamp,
    flags: m.flags,
    components: m.components,
    id: m.id,
    author: { id: m.author.id, username: m.author.username, discriminator: '0', global_name: m.author.global_name, avatar: null, bot: true },
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
  };
}

/** A button click on `message` (built from a command payload of the same channel). */
export function buttonTemplate(discord: LocalDiscord, channelId: string, message: Obj, customId: string): Obj {
  const base = commandTemplate(discord, { channelId, name: 'excerpt' });
  return { ...base, type: 3, data: { custom_id: customId, component_type: 2 }, message };
}

/** Forged user ids: 18 digits, distinct from the stand-in's snowflakes (which start with 1). */
export const userId = (i: number): string => `9${String(i).padStart(17, '0')}`;

/** The template with another user (and optionally another custom id); shallow copies only. */
export function asUser(template: Obj, i: number, customId?: string): Obj {
  const member = template.member as Obj;
  const user = member.user as Obj;
  const id = userId(i);
  const d: Obj = { ...template, member: { ...member, user: { ...user, id, username: `user${i}` } } };
  if (customId !== undefined) d.data = { ...(template.data as Obj), custom_id: customId };
  return d;
}

// ---- load shapes ----

/**
 * What one side (bot or baseline) accumulated over one or more slices of a
 * scenario; slices of the two sides alternate so both see the same machine.
 */
export class Tally {
  samples: number[] = [];
  /** Open loop: latency counted from the scheduled send time. */
  fromSchedule: number[] = [];
  /** Open loop: how late each dispatch left after its scheduled time. */
  lags: number[] = [];
  sent = 0;
  answered = 0;
  rejected = 0;
  timedOut = 0;
  elapsedMs = 0;
  childCpuMs = 0;
  genCpuMs = 0;
  maxInFlight = 0;
  /** Open loop: scheduler ticks where the in-flight cap held sends back. */
  capped = 0;
}

export interface PhaseResult {
  sent: number;
  answered: number;
  /** Answered, but not with what a working bot answers (an error message). */
  rejected: number;
  timedOut: number;
  elapsedMs: number;
  /** Accepted answers per second. */
  throughput: number;
  latency: LatencySummary;
  /** CPU time of the child per accepted answer, microseconds (all its threads). */
  childCpuUsPerAnswer: number;
  /** Cores the child used on average. */
  childCores: number;
  /** Cores the load generator (this process, with the stand-in) used on average. */
  genCores: number;
  maxInFlight: number;
  capped: number;
  /** Open loop only. */
  fromSchedule?: LatencySummary;
  lagP99?: number;
  lagMax?: number;
}

export function result(t: Tally): PhaseResult {
  const accepted = t.answered - t.rejected;
  const out: PhaseResult = {
    sent: t.sent,
    answered: t.answered,
    rejected: t.rejected,
    timedOut: t.timedOut,
    elapsedMs: t.elapsedMs,
    throughput: (accepted * 1000) / Math.max(1, t.elapsedMs),
    latency: summarise(t.samples),
    childCpuUsPerAnswer: accepted > 0 ? (t.childCpuMs * 1000) / accepted : NaN,
    childCores: t.childCpuMs / Math.max(1, t.elapsedMs),
    genCores: t.genCpuMs / Math.max(1, t.elapsedMs),
    maxInFlight: t.maxInFlight,
    capped: t.capped,
  };
  if (t.lags.length) {
    const lag = summarise(t.lags);
    out.fromSchedule = summarise(t.fromSchedule);
    out.lagP99 = lag.p99;
    out.lagMax = lag.max;
  }
  return out;
}

export interface Phase {
  payload: (i: number) => Obj;
  /** Whether the answer is the one a working bot gives (`d` is what was sent). */
  accept: (response: InteractionResponseRecord, d: Obj) => boolean;
  /** CPU time of the child under test, ms. */
  childCpu: () => number;
  /** Called with what was sent when no answer came in time (closed loop). */
  unanswered?: (d: Obj) => void;
}

function measure<T>(t: Tally, phase: Phase, run: () => Promise<T>): Promise<T> {
  const child0 = phase.childCpu();
  const gen0 = process.cpuUsage();
  return run().then((value) => {
    t.childCpuMs += phase.childCpu() - child0;
    const gen = process.cpuUsage(gen0);
    t.genCpuMs += (gen.user + gen.system) / 1000;
    return value;
  });
}

/** `concurrency` interactions in flight; each answer sends the next, until `durationMs` or `maxCount` sent. */
export function closedLoop(driver: Driver, t: Tally, phase: Phase & { concurrency: number; durationMs: number; maxCount?: number }): Promise<void> {
  return measure(t, phase, async () => {
    const max = phase.maxCount ?? Number.POSITIVE_INFINITY;
    let sent = 0;
    let inFlight = 0;
    const t0 = performance.now();
    const end = t0 + phase.durationMs;
    let last = t0;
    const worker = async () => {
      while (sent < max && performance.now() < end) {
        const d = phase.payload(t.sent++);
        sent++;
        t.maxInFlight = Math.max(t.maxInFlight, ++inFlight);
        const out = await driver.send(d);
        inFlight--;
        last = performance.now();
        if (!out.answered) {
          t.timedOut++;
          phase.unanswered?.(d);
          continue;
        }
        t.answered++;
        t.samples.push(out.ms);
        if (!phase.accept(out.response!, d)) t.rejected++;
      }
    };
    await Promise.all(Array.from({ length: phase.concurrency }, worker));
    t.elapsedMs += Math.max(1, last - t0);
  });
}

/** Sends at `rate`/s on a fixed schedule (not waiting for answers), at most `maxInFlight` out at once. */
export function openLoop(driver: Driver, t: Tally, phase: Phase & { rate: number; maxInFlight: number; durationMs: number }): Promise<void> {
  return measure(t, phase, async () => {
    const total = Math.round((phase.rate * phase.durationMs) / 1000);
    const interval = 1000 / phase.rate;
    let sent = 0;
    let inFlight = 0;
    const outstanding: Promise<void>[] = [];
    const t0 = performance.now();
    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
        while (sent < due) {
          if (inFlight >= phase.maxInFlight) {
            t.capped++;
            break;
          }
          const scheduled = t0 + sent * interval;
          const d = phase.payload(t.sent++);
          sent++;
          t.lags.push(performance.now() - scheduled);
          t.maxInFlight = Math.max(t.maxInFlight, ++inFlight);
          outstanding.push(
            driver.send(d).then((out) => {
              inFlight--;
              if (!out.answered) {
                t.timedOut++;
                return;
              }
              t.answered++;
              t.samples.push(out.ms);
              t.fromSchedule.push(out.dispatchedAt + out.ms - scheduled);
              if (!phase.accept(out.response!, d)) t.rejected++;
            }),
          );
        }
        if (sent >= total) return done();
        setTimeout(tick, 1);
      };
      tick();
    });
    await Promise.all(outstanding);
    t.elapsedMs += performance.now() - t0;
  });
}
