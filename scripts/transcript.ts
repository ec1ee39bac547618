import type { LocalDiscord, MessageRecord } from '../tools/local-discord/index.js';

type Embed = { title?: string; description?: string; fields?: Array<{ name: string; value: string }>; footer?: { text: string } };
type Row = { components?: Array<{ label?: string; disabled?: boolean }> };

export interface RenderOptions {
  /** The time relative timestamps (`<t:…:R>`) are read against: the demo's clock. */
  now: number;
  /** Bold as the terminal's bold (when printing to one); plain text otherwise. */
  color?: boolean;
}

const indent = (text: string, pad = '    ') => text.split('\n').map((l) => pad + l).join('\n');

const UNITS: Array<[number, string]> = [
  [365 * 24 * 3600, 'year'],
  [30 * 24 * 3600, 'month'],
  [24 * 3600, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** "in 20 seconds", "3 minutes ago", as Discord shows a relative timestamp. */
export function relativeTime(at: number, now: number): string {
  // Whole seconds left, as a countdown shows them: 20.6 s to go is "in 20 seconds".
  const seconds = Math.trunc((at - now) / 1000);
  if (seconds === 0) return 'now';
  const [size, unit] = UNITS.find(([s]) => Math.abs(seconds) >= s) ?? UNITS.at(-1)!;
  const n = Math.round(Math.abs(seconds) / size);
  const amount = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return seconds > 0 ? `in ${amount}` : `${amount} ago`;
}

// Discord's timestamp styles, in the reader's local time zone as Discord shows them.
const STYLES: Record<string, Intl.DateTimeFormatOptions> = {
  t: { timeStyle: 'short' },
  T: { timeStyle: 'medium' },
  d: { dateStyle: 'short' },
  D: { dateStyle: 'long' },
  f: { dateStyle: 'long', timeStyle: 'short' },
  F: { dateStyle: 'full', timeStyle: 'short' },
};

function timestamp(seconds: number, style: string | undefined, now: number): string {
  if (style === 'R') return relativeTime(seconds * 1000, now);
  return new Intl.DateTimeFormat('en-GB', STYLES[style ?? 'f'] ?? STYLES.f).format(new Date(seconds * 1000));
}

/**
 * Discord markup as a person reads it in Discord: mentions by name, timestamps
 * as times, emphasis without its asterisks (bold stays bold on a terminal).
 */
export function readable(discord: LocalDiscord, text: string, { now, color = false }: RenderOptions): string {
  const { state } = discord;
  const roleName = (id: string) => {
    for (const guild of state.guilds.values()) {
      const role = guild.roles.get(id);
      if (role) return role.name;
    }
    return 'unknown role';
  };
  return text
    .replace(/^```\w*$\n?/gm, '')
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${state.users.get(id)?.username ?? 'unknown user'}`)
    .replace(/<@&(\d+)>/g, (_, id: string) => `@${roleName(id)}`)
    .replace(/<#(\d+)>/g, (_, id: string) => `#${state.channels.get(id)?.name ?? 'unknown channel'}`)
    .replace(/<\/([\w -]+):\d+>/g, '/$1')
    .replace(/<t:(-?\d+)(?::([tTdDfFR]))?>/g, (_, at: string, style: string | undefined) => timestamp(Number(at), style, now))
    .replace(/\*\*(.+?)\*\*/g, (_, inner: string) => (color ? `\x1b[1m${inner}\x1b[22m` : inner))
    .replace(/(?<![\\*\w])\*(?!\s)(.+?)(?<![\s\\])\*(?![*\w])/g, '$1')
    .replace(/~~(.+?)~~|\|\|(.+?)\|\|/g, (_, a: string | undefined, b: string | undefined) => a ?? b ?? '')
    .replace(/\\([*_`~|>\\])/g, '$1');
}

/**
 * A message as a person would read it in a terminal: where it is and who can
 * see it first ("[#quiz] bot:", or "[only alice sees this] bot → alice:"), then
 * its text, embeds and buttons.
 */
export function renderMessage(discord: LocalDiscord, m: MessageRecord, options: RenderOptions): string {
  const text = (t: string) => readable(discord, t, options);
  const author = m.author.id === discord.bot.id ? 'bot' : m.author.username;
  const viewer = m.interaction ? discord.state.users.get(m.interaction.user_id)?.username : undefined;
  const where = discord.state.channels.get(m.channel_id)?.name ?? m.channel_id;
  const parts = [m.ephemeral ? `[only ${viewer ?? 'the user who asked'} sees this] ${author} → ${viewer ?? 'them'}:` : `[#${where}] ${author}:`];
  if (m.content) parts.push(indent(text(m.content)));
  for (const e of m.embeds as Embed[]) {
    if (e.title) parts.push(indent(`■ ${text(e.title)}`));
    if (e.description) parts.push(indent(text(e.description), '    │ '));
    for (const f of e.fields ?? []) parts.push(indent(`${text(f.name)}:`, '    │ '), indent(text(f.value), '    │   '));
    if (e.footer?.text) parts.push(indent(`(${text(e.footer.text)})`, '    │ '));
  }
  const buttons = (m.components as Row[]).flatMap((r) => r.components ?? []);
  if (buttons.length) parts.push(indent(buttons.map((b) => `[${b.label ?? '?'}${b.disabled ? ' ✕' : ''}]`).join(' ')));
  for (const a of m.attachments) parts.push(indent(`📎 ${a.filename} (${a.size} bytes)`));
  if (m.thread_id) parts.push(indent(`🧵 thread: ${discord.state.channels.get(m.thread_id)?.name ?? m.thread_id}`));
  return parts.join('\n');
}
