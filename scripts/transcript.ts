import type { LocalDiscord, MessageRecord } from '../tools/local-discord/index.js';

type Embed = { title?: string; description?: string; fields?: Array<{ name: string; value: string }>; footer?: { text: string } };
type Row = { components?: Array<{ label?: string; disabled?: boolean }> };

const indent = (text: string, pad = '    ') => text.split('\n').map((l) => pad + l).join('\n');

/** A message as a person would read it in a terminal. */
export function renderMessage(discord: LocalDiscord, m: MessageRecord, who = m.author.username): string {
  const parts: string[] = [];
  const tag = m.ephemeral ? `${who} (only the user who asked sees this)` : who;
  parts.push(`[${tag}]`);
  if (m.content) parts.push(indent(m.content));
  for (const e of m.embeds as Embed[]) {
    if (e.title) parts.push(indent(`■ ${e.title}`));
    if (e.description) parts.push(indent(e.description, '    │ '));
    for (const f of e.fields ?? []) parts.push(indent(`${f.name}:`, '    │ '), indent(f.value, '    │   '));
    if (e.footer?.text) parts.push(indent(`(${e.footer.text})`, '    │ '));
  }
  const buttons = (m.components as Row[]).flatMap((r) => r.components ?? []);
  if (buttons.length) parts.push(indent(buttons.map((b) => `[${b.label ?? '?'}${b.disabled ? ' ✕' : ''}]`).join(' ')));
  for (const a of m.attachments) parts.push(indent(`📎 ${a.filename} (${a.size} bytes)`));
  if (m.thread_id) parts.push(indent(`🧵 thread: ${discord.state.channels.get(m.thread_id)?.name ?? m.thread_id}`));
  return parts.join('\n');
}
