import type { Context } from '../../context.js';
import { normalise } from '../../content/loader.js';
import type { Content } from '../../content/types.js';
import { preview } from '../../render/text.js';

type Choice = { name: string; value: string };
const MAX = 25;

export function promptChoices(article: Content, typed: string): Choice[] {
  const q = normalise(typed.trim());
  return article.prompts
    .filter((p) => !q || normalise(`${p.id} ${p.text}`).includes(q))
    .slice(0, MAX)
    .map((p) => ({ name: preview(`${p.id}: ${p.text}`, 100), value: p.id }));
}

export function repeatChoices(typed: string): Choice[] {
  const base: Choice[] = [
    { name: 'none (post once)', value: 'none' },
    { name: 'daily', value: 'daily' },
    { name: 'weekly', value: 'weekly' },
    { name: 'weekdays at 09:00 (cron 0 9 * * 1-5)', value: '0 9 * * 1-5' },
  ];
  const t = typed.trim();
  const matching = base.filter((c) => c.name.includes(t.toLowerCase()));
  // Whatever was typed is offered too, so a custom cron expression can be chosen.
  return t && !matching.some((c) => c.value === t) ? [{ name: preview(t, 100), value: t.slice(0, 100) }, ...matching] : matching;
}

let zones: readonly string[] | undefined;
export function timeZoneChoices(typed: string): Choice[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  const q = typed.trim().toLowerCase().replace(/\s+/g, '_');
  return zones
    .filter((z) => z.toLowerCase().includes(q))
    .slice(0, MAX)
    .map((z) => ({ name: z, value: z }));
}

export async function scheduleChoices(ctx: Context, guildId: string, typed: string): Promise<Choice[]> {
  const q = typed.trim().toLowerCase();
  return (await ctx.schedules.list(guildId))
    .filter((s) => !q || s.id.includes(q))
    .slice(0, MAX)
    .map((s) => ({ name: preview(`${s.id} · ${s.repeat.kind} · ${s.promptId ?? 'rotation'}${s.paused ? ' · paused' : ''}`, 100), value: s.id }));
}
