import type { StoreOp } from './storage/timed.js';

/** How an interaction ended: answered, refused with a UserError, refused as a malformed payload, or failed. */
export type InteractionOutcome = 'ok' | 'refused' | 'malformed' | 'error';

/** What the gateway looks like to a scrape. */
export interface GatewayReading {
  ready: boolean;
  /** The last heartbeat's round trip; undefined until the first one was acknowledged. */
  pingMs: number | undefined;
}

export const SCHEDULED_RESULTS = ['posted', 'failed', 'skipped'] as const;

/**
 * What the bot records as it runs. With METRICS_PORT unset nothing reads the
 * figures, so the bot records into noMetrics and never loads prom-client; with
 * it set, into a Prometheus registry (metrics-prometheus.ts).
 */
export interface Recorder {
  interaction(command: string, outcome: InteractionOutcome, seconds: number): void;
  readonly storageOp: (op: StoreOp, seconds: number) => void;
  scheduledPost(result: (typeof SCHEDULED_RESULTS)[number]): void;
  watchGateway(read: () => GatewayReading): void;
}

export const noMetrics: Recorder = {
  interaction: () => {},
  storageOp: () => {},
  scheduledPost: () => {},
  watchGateway: () => {},
};
