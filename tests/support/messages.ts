import type { Question } from '../../src/content/schema.js';
import type { Content } from '../../src/content/types.js';
import type { MessageRecord } from '../../tools/local-discord/index.js';

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

export const correctIndex = (q: Question) => q.options.findIndex((o) => o.correct);
