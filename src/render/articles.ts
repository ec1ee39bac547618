import { EmbedBuilder } from 'discord.js';
import type { Library } from '../content/library.js';
import type { Content } from '../content/types.js';
import type { ResolvedArticle } from '../articles/choice.js';
import { fit, plural, preview } from './text.js';

/** What /quiz answers in a channel whose article has no questions yet. */
export const noQuestionsYet = (article: Pick<Content, 'title'>) => `This article has no questions yet: “${fit(article.title, 200)}”. A moderator can pick another one for this channel with \`/article use\`.`;

const counts = (a: Content) => `${plural(a.paragraphs.length, 'paragraph')} · ${plural(a.questions().length, 'question')} · ${plural(a.prompts.length, 'prompt')}`;

/** `/article list`: every served article, where it is read in this server, and the packs that were not loaded. */
export function renderArticleList(library: Library, channels: ReadonlyMap<string, readonly string[]>, serverDefault: string): EmbedBuilder {
  const lines = library.articles.map((a) => {
    const here = channels.get(a.id) ?? [];
    const marks = [a.id === serverDefault ? 'server default' : '', here.length ? `used in ${here.slice(0, 10).map((c) => `<#${c}>`).join(' ')}${here.length > 10 ? ` and ${here.length - 10} more` : ''}` : '']
      .filter(Boolean)
      .join(' · ');
    return `**${fit(a.title, 150)}** (\`${a.id}\`)\n${counts(a)}${marks ? `\n${marks}` : ''}`;
  });
  for (const n of library.stale) lines.push(`⚠ \`${n.name}\`: its files now have ${plural(n.problems.length, 'problem')}; the version read earlier is still served`);
  for (const n of library.notLoaded) lines.push(`✖ \`${n.name}\`: not loaded (${plural(n.problems.length, 'problem')}; \`npm run content:check\` shows them)`);
  return new EmbedBuilder()
    .setTitle(`Articles (${library.articles.length})`)
    .setDescription(fit(lines.join('\n\n'), 4096))
    .setFooter({ text: 'A moderator picks the article of a channel, or the server default, with /article use.' });
}

const FROM: Record<ResolvedArticle['from'], string> = {
  channel: 'chosen for this channel',
  parent: 'chosen for this thread’s channel',
  server: 'the server default',
  first: 'the first article, as nothing was chosen here',
};

/** `/article info`: the channel's article, what is known of its source, and how to check the original. */
export function renderArticleInfo(resolved: ResolvedArticle): EmbedBuilder {
  const a = resolved.content;
  const { byline, outlet, date, notes } = a.provenance;
  const missing = resolved.missing ? `\n(The article chosen here, \`${resolved.missing}\`, is not served at the moment.)` : '';
  const source = [
    `Byline: ${byline ?? 'not given in this copy'}`,
    `Outlet: ${outlet ?? 'not given in this copy'}`,
    `Date: ${date ?? 'not given in this copy'}`,
  ].join('\n');
  return new EmbedBuilder()
    .setTitle(fit(a.title, 256))
    .setDescription(fit(`${a.about}\n\nThis channel reads it: ${FROM[resolved.from]}.${missing}`, 4096))
    .addFields(
      { name: 'What the text says of its source', value: fit(source, 1024) },
      { name: 'Notes on this copy', value: fit(notes.length ? notes.map((n) => `• ${n}`).join('\n') : 'None.', 1024) },
      {
        name: 'How to check the original',
        value: fit(
          `Search for the title or a distinctive sentence in quotation marks to find where it was first published, then compare: the byline, the date, the quotations and what each outlet it relays actually wrote. ${preview(counts(a), 200)}.`,
          1024,
        ),
      },
    )
    .setFooter({ text: `id: ${a.id}` });
}
