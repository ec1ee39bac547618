/**
 * Where a JSON syntax error is, as a line and column an editor can jump to.
 *
 * V8's JSON.parse messages give the offset ("… in JSON at position 23") for
 * some errors only; for an unexpected token Node 20 quotes the text instead.
 * When the message has no offset, a small scanner of the JSON grammar finds
 * the first character that cannot be there, which is the one V8 stops at.
 */
export function describeJsonError(text: string, error: Error): string {
  const stated = /at position (\d+)/.exec(error.message);
  const offset = stated ? Number(stated[1]) : firstErrorOffset(text);
  const reason = error.message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s+(?:in JSON )?at position \d+.*$/s, '')
    // Node 20 quotes the text (or an excerpt of it, between "...") instead of giving the offset.
    .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
    .replace(/[\u0000-\u001f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  if (offset === undefined) return reason;
  const { line, column } = lineAndColumn(text, offset);
  return `line ${line}, column ${column}: ${reason}`;
}

/** 1-based line and column of a character offset; a column counts characters, a tab as one. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** The offset of the first character the JSON grammar does not allow, or undefined for valid JSON. */
export function firstErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (char: string) => {
    if (text[i] !== char) fail();
    i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') fail();
      i++;
      if (c === '"') return;
      if (c === '\\') {
        if (!'"\\/bfnrtu'.includes(text[i] ?? 'x')) fail();
        if (text[i++] === 'u') for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
      }
    }
  };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) return void i++;
      for (;;) {
        if (close === '}') {
          space();
          string();
          space();
          expect(':');
        }
        value();
        space();
        if (text[i] === close) return void i++;
        expect(',');
      }
    }
    if (c === '"') return string();
    number.lastIndex = i;
    if (number.test(text)) return void (i = number.lastIndex);
    // A literal fails at its first wrong letter ("tru" followed by a line break fails at the break).
    const word = ['true', 'false', 'null'].find((w) => w[0] === c);
    if (!word) fail();
    for (const letter of word!) expect(letter);
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset;
    throw error;
  }
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}
