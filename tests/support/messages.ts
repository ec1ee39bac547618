import type { Question } from '../../src/content/schema.js';
import type { Content } from '../../src/content/types.js';
import type { LocalDiscord, MessageRecord } from '../../tools/local-discord/index.js';

/** Reading what the bot posted, as a person would look at it. */
export const EPHEMERAL = 64;
export type Embed = { title?: string; description?: string; fields?: Array<{ name: string; value: string }>; footer?: { text: string } };
export type Button = { custom_id: string; label: string; disabled?: boolean };

export const embedOf = (m: MessageRecord): Embed => (m.embeds[0] ?? {}) as Embed;
export const buttonsOf = (m: MessageRecord): Button[] => (m.components as Array<{ components: Button[] }>).flatMap((r) => r.components);
export const isRevealed = (m: MessageRecord | undefined): m is MessageRecord => Boolean(m && m.edits > 0 && embedOf(m).title?.endsWith('· revealed'));

/** The bank question a posted question message shows. */
export function questionOf(content: Content, m: MessageRecord): Question {
  const description = embedOf(m).description ?? '';
  const q = content.questions().find((x) => description.startsWith(x.prompt));
  if (!q) throw new Error(`no bank question matches ${description.slice(0, 60)}`);
  return q;
}

/** The option a letter button answers: its custom id names the option (quiz:a:…:<option> or practice:q:<article>:<question>:<option>:…). */
export function optionIdOf(customId: string): string | undefined {
  const p = customId.split(':');
  if (p[0] === 'quiz' && p[1] === 'a') return p[4];
  if (p[0] === 'practice' && p[1] === 'q') return p[4];
  return undefined;
}

/** The question's options in the order the message shows them (options are shuffled per message). */
export function shownOptions(q: Question, m: MessageRecord): Question['options'] {
  const ids = buttonsOf(m).flatMap((b) => optionIdOf(b.custom_id) ?? []);
  return ids.map((id) => {
    const option = q.options.find((o) => o.id === id);
    if (!option) throw new Error(`button names option "${id}", which ${q.id} does not have`);
    return option;
  });
}

/** Where the right answer sits in this message: the index of its letter button. */
export const correctIndex = (q: Question, m: MessageRecord) => shownOptions(q, m).findIndex((o) => o.correct);

/** The bot's prompt posts in a channel (not interaction replies). */
export const promptPosts = (discord: LocalDiscord, channelId: string): MessageRecord[] =>
  discord.messages(channelId).filter((m) => m.author.id === discord.bot.id && !m.interaction && !m.ephemeral);

/** Waits for `count` prompt posts in a channel, each with its thread. */
export function promptPostsWithThreads(discord: LocalDiscord, channelId: string, count: number): Promise<MessageRecord[]> {
  return discord.waitFor(
    () => {
      const list = promptPosts(discord, channelId);
      return list.length >= count && list.every((m) => m.thread_id) ? list : undefined;
    },
    5000,
    `${count} prompt post(s) with threads in ${channelId}`,
  );
}
