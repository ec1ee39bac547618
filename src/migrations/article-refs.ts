import type { Library } from '../content/library.js';
import { itemRef, parseRef } from '../content/refs.js';
import type { Logger } from '../logger.js';
import type { QuestionPicks } from '../quiz/picks.js';
import type { Tally } from '../quiz/tallies.js';
import type { Schedule, ScheduleMap } from '../schedule/types.js';
import type { Store } from '../storage/store.js';

/**
 * Data written while the bot served a single article names questions and
 * prompts by bare id. From format 2 on, everything stored names them by
 * article and id (see content/refs.ts) and tallies count per article too.
 * This migration runs once, at start, before the bot connects.
 *
 * Which article an old record belongs to: the article whose bank holds the
 * id (the first article if it does, as that was the only one served before),
 * else the first article. Tallies carry no question ids; their totals go to
 * the first article.
 *
 * Every step recognises records it has already converted, so a start that
 * crashed half-way simply runs it again; the format marker is written last.
 */
export const DATA_FORMAT_KEY = 'meta:data-format';
export const DATA_FORMAT = 2;

export interface MigrationReport {
  tallies: number;
  seenLists: number;
  schedules: number;
  rotations: number;
  roundPicks: number;
}

/** Marks an empty or freshly written store as already in the current format. */
export const markCurrentFormat = (store: Store) => store.set(DATA_FORMAT_KEY, DATA_FORMAT);

export async function migrateToArticleRefs(store: Store, library: Library, log?: Logger): Promise<MigrationReport | 'current'> {
  const format = await store.get<number>(DATA_FORMAT_KEY);
  if (format !== undefined && format >= DATA_FORMAT) return 'current';
  const started = performance.now();
  const first = library.first.id;
  const questionOwner = (id: string) => (library.first.question(id) ? first : library.articles.find((a) => a.question(id))?.id ?? first);
  const promptOwner = (id: string) => (library.first.prompt(id) ? first : library.articles.find((a) => a.prompt(id))?.id ?? first);
  const asRef = (owner: (id: string) => string) => (value: string) => (parseRef(value) ? value : itemRef(owner(value), value));

  const report: MigrationReport = { tallies: 0, seenLists: 0, schedules: 0, rotations: 0, roundPicks: 0 };
  const each = async <T>(prefix: string, convert: (value: T) => T | undefined, count: keyof MigrationReport) => {
    for (const [key] of await store.scan<T>(prefix)) {
      let changed = false;
      await store.update<T>(key, (current) => {
        const next = current === undefined ? undefined : convert(current);
        if (next === undefined) return current;
        changed = true;
        return next;
      });
      if (changed) report[count]++;
    }
  };

  await each<Tally>(
    'tally:',
    (t) => (t.byArticle ? undefined : { ...t, byArticle: t.answered > 0 ? { [first]: { answered: t.answered, correct: t.correct } } : {} }),
    'tallies',
  );
  // seen:channel:<guild>:<channel>, seen:practice:<guild>:<user>, and the older seen:<channel>.
  await each<string[]>('seen:', (ids) => (Array.isArray(ids) && ids.some((id) => !parseRef(id)) ? ids.map(asRef(questionOwner)) : undefined), 'seenLists');
  await each<ScheduleMap>(
    'schedules:',
    (map) => {
      const old = Object.values(map).filter((s) => typeof (s as Partial<Schedule>).article !== 'string');
      if (old.length === 0) return undefined;
      const next: ScheduleMap = {};
      for (const [id, s] of Object.entries(map)) next[id] = typeof s.article === 'string' ? s : { ...s, article: s.promptId ? promptOwner(s.promptId) : first };
      return next;
    },
    'schedules',
  );
  await each<{ used: string[] }>(
    'prompt-rotation:',
    (r) => (Array.isArray(r.used) && r.used.some((id) => !parseRef(id)) ? { ...r, used: r.used.map(asRef(promptOwner)) } : undefined),
    'rotations',
  );
  await each<{ at: number; questions: Record<string, QuestionPicks> }>(
    'round-picks:',
    (round) => {
      const entries = Object.entries(round.questions ?? {});
      if (entries.every(([, q]) => typeof q.article === 'string')) return undefined;
      return { ...round, questions: Object.fromEntries(entries.map(([i, q]) => [i, typeof q.article === 'string' ? q : { ...q, article: questionOwner(q.questionId) }])) };
    },
    'roundPicks',
  );
  await markCurrentFormat(store);
  log?.info({ ...report, article: first, ms: Math.round(performance.now() - started) }, 'stored data now names questions and prompts by article');
  return report;
}
