/**
 * Building blocks for custom ids (`prefix:part:part…`). Clients can send any
 * string as a custom id, so every decoder trusts nothing: it checks the length,
 * the prefix, the number of parts and each part's form, and returns null for
 * anything else. Each family's codec lives next to the handler that owns it.
 */

/** Discord's limit on a custom id's length. */
export const CUSTOM_ID_MAX = 100;

// Digits only, no sign, no leading zero, no exponent: Number() alone would take " 1", "1e1", "0x1".
const INT = /^(?:0|[1-9][0-9]{0,11})$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The parts after `prefix:`, or null when the id is not a string of this family. */
export function parts(raw: unknown, prefix: string): string[] | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > CUSTOM_ID_MAX) return null;
  const all = raw.split(':');
  return all[0] === prefix ? all.slice(1) : null;
}

export function int(text: string | undefined, min: number, max: number): number | null {
  if (text === undefined || !INT.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** A lower-case slug of at most `max` characters (content ids), or null. */
export function slug(text: string | undefined, max: number): string | null {
  return text !== undefined && text.length <= max && SLUG.test(text) ? text : null;
}

/** Joins the parts and checks the result decodes back to the same value: a failure is a bug, not bad input. */
export function encode<T>(prefix: string, values: readonly (string | number)[], decode: (raw: string) => T | null, same: (back: T) => boolean): string {
  const raw = [prefix, ...values].join(':');
  const back = decode(raw);
  if (back === null || !same(back)) throw new RangeError(`Cannot encode custom id ${JSON.stringify(values)} under "${prefix}"`);
  return raw;
}

/** Shallow equality of plain records: enough for decoded custom ids. */
export const sameFields = (a: object, b: object): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => (b as Record<string, unknown>)[k] === v);
