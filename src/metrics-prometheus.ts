import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StoreOp } from './storage/timed.js';
import { SCHEDULED_RESULTS, type GatewayReading, type InteractionOutcome, type Recorder } from './metrics.js';

/**
 * The bot's Prometheus metrics. Each running bot has its own registry (so
 * several bots in one test process never share a counter), reaches the code
 * that records through the context, and is read by the /metrics endpoint.
 */
export class Metrics implements Recorder {
  readonly registry = new Registry();
  readonly #interactions: Counter<'command' | 'outcome'>;
  readonly #interactionSeconds: Histogram<'command'>;
  readonly #storageSeconds: Histogram<'op'>;
  readonly #scheduledPosts: Counter<'result'>;
  #gateway: () => GatewayReading = () => ({ ready: false, pingMs: undefined });

  /** `processMetrics` adds Node's CPU, memory, event-loop and GC metrics (observers that live as long as the process). */
  constructor({ processMetrics = false }: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.#interactions = new Counter({
      name: 'sourcing_bot_interactions_total',
      help: 'Interactions handled, by command (or button family) and outcome: ok, refused (a mistake the user was told about), malformed (a payload that does not match the command), error (a bug, answered with an apology).',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.#interactionSeconds = new Histogram({
      name: 'sourcing_bot_interaction_duration_seconds',
      help: 'Time from receiving an interaction to finishing its handling (the reply or the apology sent).',
      labelNames: ['command'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#storageSeconds = new Histogram({
      name: 'sourcing_bot_storage_operation_duration_seconds',
      help: 'Time of each storage operation (an update includes waiting for its key lock), successful or not.',
      labelNames: ['op'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.#scheduledPosts = new Counter({
      name: 'sourcing_bot_scheduled_posts_total',
      help: 'Scheduled prompt runs by result: posted, failed (after retries, or a permanent refusal) or skipped (too late after a restart).',
      labelNames: ['result'],
      registers,
    });
    // Zero from the start, so a rate over the first failure is not missing a series.
    for (const result of SCHEDULED_RESULTS) this.#scheduledPosts.inc({ result }, 0);
    const gateway = () => this.#gateway();
    new Gauge({
      name: 'sourcing_bot_gateway_ready',
      help: '1 while the gateway connection is ready, 0 while connecting, resuming or down.',
      registers,
      collect() {
        this.set(gateway().ready ? 1 : 0);
      },
    });
    new Gauge({
      name: 'sourcing_bot_gateway_ping_seconds',
      help: "Round trip of the gateway's last heartbeat (NaN until the first one).",
      registers,
      collect() {
        const { pingMs } = gateway();
        this.set(pingMs === undefined ? Number.NaN : pingMs / 1000);
      },
    });
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  interaction(command: string, outcome: InteractionOutcome, seconds: number): void {
    this.#interactions.inc({ command, outcome });
    this.#interactionSeconds.observe({ command }, seconds);
  }

  /** Shaped to be handed to timeStore as its observer. */
  readonly storageOp = (op: StoreOp, seconds: number): void => {
    this.#storageSeconds.observe({ op }, seconds);
  };

  scheduledPost(result: (typeof SCHEDULED_RESULTS)[number]): void {
    this.#scheduledPosts.inc({ result });
  }

  /** Where the gateway gauges read from at each scrape. */
  watchGateway(read: () => GatewayReading): void {
    this.#gateway = read;
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
