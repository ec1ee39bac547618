import type { PersonRecords } from '../quiz/forget.js';
import { plural } from './text.js';

/** "1 tally (23 answers), 1 practice history, 1 learning record (…) and picks in 3 rounds"; empty when there is nothing. */
export function describeRecords(r: PersonRecords): string {
  const parts: string[] = [];
  if (r.answers !== undefined) parts.push(`1 tally (${plural(r.answers, 'answer')})`);
  if (r.practiceHistory) parts.push('1 practice history');
  if (r.learning) parts.push('1 learning record (review list, practice boxes and confidence ratings)');
  if (r.pickRounds > 0) parts.push(`picks in ${plural(r.pickRounds, 'round')}`);
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
