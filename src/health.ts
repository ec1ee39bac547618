import { Status, type Client } from 'discord.js';
import { scrubSecrets } from './logger.js';
import type { GatewayReading } from './metrics.js';
import type { Store } from './storage/store.js';

export type Health = { ok: true } | { ok: false; reason: string };

/** A key never written: reading it costs one indexed lookup and proves the storage answers. */
const PROBE_KEY = 'health:probe';

/** The gateway as discord.js sees it: ready only when every shard is. */
export function readGateway(client: Client | undefined): GatewayReading & { reason?: string } {
  if (!client) return { ready: false, pingMs: undefined, reason: 'not connected to Discord yet' };
  const shards = [...client.ws.shards.values()];
  const waiting = shards.find((shard) => shard.status !== Status.Ready);
  const pings = shards.map((shard) => shard.ping).filter((ping) => ping >= 0);
  const pingMs = pings.length ? pings.reduce((a, b) => a + b, 0) / pings.length : undefined;
  if (!client.isReady() || shards.length === 0) return { ready: false, pingMs, reason: 'not connected to Discord yet' };
  if (waiting) {
    const state = (Status[waiting.status] ?? String(waiting.status)).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    return { ready: false, pingMs, reason: `Discord gateway not ready (shard ${waiting.id}: ${state})` };
  }
  return { ready: true, pingMs };
}

/**
 * Healthy while the gateway is ready and the storage answers a cheap read
 * within `timeoutMs`; otherwise the first reason it is not, in one line.
 */
export async function checkHealth(client: Client | undefined, store: Store, timeoutMs = 1000): Promise<Health> {
  const gateway = readGateway(client);
  if (!gateway.ready) return { ok: false, reason: gateway.reason ?? 'Discord gateway not ready' };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  try {
    const answer = await Promise.race([store.get(PROBE_KEY).then(() => 'answered' as const), late]);
    if (answer === 'late') return { ok: false, reason: `storage did not answer a read within ${timeoutMs} ms` };
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `storage read failed: ${scrubSecrets(String((error as Error).message ?? error)).split('\n')[0]}` };
  } finally {
    clearTimeout(timer);
  }
}
