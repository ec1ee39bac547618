/** Words and numbers shared by the pictures, their alt text and the CSV. */
import { CATEGORIES, CATEGORY_LABELS, type Category } from '../content/schema.js';
import { shareRight } from './aggregate.js';
import type { Count } from './types.js';

export const percent = (share: number): string => `${Math.round(share * 100)}%`;
export const thousands = (n: number): string => n.toLocaleString('en-US');

/** "62% of 1,200", or "no answers yet". */
export function shareOf(c: Count | undefined): string {
  const share = shareRight(c);
  return share === undefined ? 'no answers yet' : `${percent(share)} of ${thousands(c!.answered)}`;
}

/** "6 Jan": the first day of a week, in UTC like the weeks themselves. */
export function weekLabel(start: number): string {
  return new Date(start).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** Short names for the chart axes; the alt text and CSV use the full CATEGORY_LABELS. */
export const SHORT_CATEGORY_LABELS: Record<Category, string> = {
  ...CATEGORY_LABELS,
  'loaded-language': 'Loaded language',
  verification: 'Verification',
};

export const skillOrder = (): readonly Category[] => CATEGORIES;

/** Cuts a label to `max` characters on a word boundary where one is near, marking the cut. */
export function shortLabel(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
