import { EmbedBuilder, time, TimestampStyles } from 'discord.js';
import type { Library } from '../content/library.js';
import { MAX_SCHEDULES_PER_GUILD, type Schedule } from '../schedule/types.js';
import { fit, preview } from './text.js';

/** A run time as Discord shows it to each reader: full date in their zone, then "in 2 hours". */
export const when = (ms: number) => `${time(new Date(ms), TimestampStyles.LongDateTime)} (${time(new Date(ms), TimestampStyles.RelativeTime)})`;

export function describeRepeat(s: Schedule): string {
  return s.repeat.kind === 'cron' ? `cron \`${s.repeat.cron}\`` : s.repeat.kind === 'none' ? 'once' : s.repeat.kind;
}

function describeSchedule(s: Schedule, library: Library, promptText = true): string {
  const article = library.article(s.article);
  const text = promptText ? ` ${preview(article?.prompt(s.promptId ?? '')?.text ?? '(no longer in the bank)', 50)}` : '';
  // The article is named when there is a choice of them (or the schedule's is gone).
  const from = !article ? ` from ${s.article} (no longer served)` : library.articles.length > 1 ? ` from ${preview(article.title, 40)}` : '';
  const prompt = `${s.promptId ? `\`${s.promptId}\`${text}` : 'next in rotation'}${from}`;
  const next = s.paused ? '⏸ paused' : s.nextRunAt === null ? 'done' : `next ${when(s.nextRunAt)}`;
  const last = s.lastResult ? `last: ${s.lastResult.ok ? 'posted' : s.lastResult.message}` : 'not run yet';
  return `**${s.id}** · <#${s.channelId}> · ${next} · ${describeRepeat(s)} (${s.timeZone})\n  ${prompt} · ${last}`;
}

// Discord allows 4096 characters per embed description and 6000 across a message's embeds (the title takes the rest).
const LIST_BUDGET = 5900;

/** Every schedule in full when they fit; otherwise without the prompt texts, each cut to an equal share. */
function listEntries(schedules: Schedule[], library: Library): string[] {
  const full = schedules.map((s) => describeSchedule(s, library));
  if (full.join('\n').length <= LIST_BUDGET) return full;
  const share = Math.floor(LIST_BUDGET / schedules.length) - 1;
  return schedules.map((s) => fit(describeSchedule(s, library, false), share));
}

/** Spreads the entries over as many embeds as the 4096-character description limit needs. */
function listEmbeds(title: string, entries: string[]): EmbedBuilder[] {
  const chunks: string[] = [];
  for (const entry of entries) {
    const last = chunks.at(-1);
    if (last !== undefined && last.length + 1 + entry.length <= 4096) chunks[chunks.length - 1] = `${last}\n${entry}`;
    else chunks.push(entry);
  }
  return chunks.map((text, i) => (i === 0 ? new EmbedBuilder().setTitle(title) : new EmbedBuilder()).setDescription(text));
}

/** /prompt list: the server's schedules, or how to create one. */
export function renderScheduleList(schedules: Schedule[], library: Library): EmbedBuilder[] {
  return listEmbeds(
    `Scheduled prompts (${schedules.length}/${MAX_SCHEDULES_PER_GUILD})`,
    schedules.length ? listEntries(schedules, library) : ['None yet. Create one with `/prompt schedule`.'],
  );
}
