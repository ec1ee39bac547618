import { createSchedule, type NewSchedule } from '../../src/schedule/repository.js';
import type { Schedule } from '../../src/schedule/types.js';
import type { Store } from '../../src/storage/store.js';

/** Stores a schedule that the test expects to be accepted, and returns it. */
export async function createAccepted(store: Store, input: NewSchedule, now: number): Promise<Schedule> {
  const result = await createSchedule(store, input, now);
  if (result.kind !== 'created') throw new Error(`the schedule was refused: ${result.kind}`);
  return result.schedule;
}
