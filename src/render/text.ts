/** Cuts text to a Discord limit without splitting a surrogate pair, marking the cut. */
export function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  let out = '';
  for (const ch of chars) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Quotes text as a Markdown block quote, line by line. */
export function blockQuote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** The start of a paragraph, for autocomplete and labels. */
export function preview(text: string, max = 80): string {
  return fit(text.replace(/\s+/g, ' '), max);
}

/** "1 person", "3 people": a count with the word that fits it. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
