import { forgetLearning } from '../learning/record.js';
import { learningKey } from '../learning/state.js';
import type { Store } from '../storage/store.js';
import { forgetPicks, roundsPickedBy } from './picks.js';
import { forgetPracticeHistory, practiceHistoryKey } from './practice.js';
import type { QuizRunner } from './runner.js';
import { forgetTally, getTally, type TallyBook } from './tallies.js';

/**
 * What the bot keeps about one person in one server: their tally (with the
 * ids of their recent practice messages), their practice history (the
 * questions they saw lately), their learning state (review list, practice
 * boxes, confidence ratings) and their picks in the kept rounds and in rounds
 * still running. Schedules keep the id of the moderator who created them; they
 * belong to the server and are not counted here.
 */
export interface PersonRecords {
  /** Answers counted in their tally; undefined when they have none. */
  answers: number | undefined;
  practiceHistory: boolean;
  /** Their review list, practice boxes and confidence ratings (one record). */
  learning: boolean;
  /** Rounds (kept or running) in which they picked an option. */
  pickRounds: number;
}

export const hasRecords = (r: PersonRecords): boolean => r.answers !== undefined || r.practiceHistory || r.learning || r.pickRounds > 0;

/** What forgetPerson would remove now, for the confirmation to show. */
export async function findPersonRecords(deps: { store: Store; quiz: Pick<QuizRunner, 'answeredIn'> }, guildId: string, userId: string): Promise<PersonRecords> {
  const [tally, history, learning, kept] = await Promise.all([
    getTally(deps.store, guildId, userId),
    deps.store.get(practiceHistoryKey(guildId, userId)),
    deps.store.get(learningKey(guildId, userId)),
    roundsPickedBy(deps.store, guildId, userId),
  ]);
  const rounds = new Set([...kept, ...deps.quiz.answeredIn(guildId, userId)]);
  return { answers: tally?.answered, practiceHistory: history !== undefined, learning: learning !== undefined, pickRounds: rounds.size };
}

/**
 * Removes everything the bot keeps about the person in this guild (see
 * PersonRecords) and nothing of anyone else or of other guilds; returns what
 * was removed. Running rounds go first, so a question revealed meanwhile does
 * not store their pick again.
 */
export async function forgetPerson(deps: TallyBook & { quiz: Pick<QuizRunner, 'forget'> }, guildId: string, userId: string): Promise<PersonRecords> {
  // Called first: it drops the picks held in memory at once, before any await.
  const dropping = deps.quiz.forget(guildId, userId);
  const tally = await forgetTally(deps, guildId, userId);
  const practiceHistory = await forgetPracticeHistory(deps.store, guildId, userId);
  const learning = await forgetLearning(deps.store, guildId, userId);
  const kept = await forgetPicks(deps.store, guildId, userId);
  const running = await dropping;
  return { answers: tally?.answered, practiceHistory, learning, pickRounds: new Set([...running, ...kept]).size };
}
