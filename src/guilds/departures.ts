import type { Store } from '../storage/store.js';

/** The bot was removed from a server, and when. */
export interface Departure {
  guildId: string;
  /** Epoch ms: when the bot learned it had been removed. */
  at: number;
}

const DEPARTED_PREFIX = 'departed:';
const departureKey = (guildId: string) => `${DEPARTED_PREFIX}${guildId}`;

/** Records a departure. Recording it again keeps the first time: the retention counts from it. */
export async function recordDeparture(store: Store, guildId: string, at: number): Promise<Departure> {
  const stored = await store.update<Departure>(departureKey(guildId), (current) => current ?? { guildId, at });
  return stored!;
}

export function getDeparture(store: Store, guildId: string): Promise<Departure | undefined> {
  return store.get<Departure>(departureKey(guildId));
}

/** Removes the record; resolves to whether there was one. */
export function clearDeparture(store: Store, guildId: string): Promise<boolean> {
  return store.delete(departureKey(guildId));
}

export async function listDepartures(store: Store): Promise<Departure[]> {
  return (await store.scan<Departure>(DEPARTED_PREFIX)).map(([, d]) => d);
}

/** Past its retention: the server's data is due for deletion. */
export const isExpired = (d: Departure, now: number, retentionMs: number): boolean => now - d.at >= retentionMs;
