import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A logger that keeps its JSON lines in memory so tests can read what was logged. */
export function memoryLogger(level = 'debug'): { log: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = pino({ level }, sink);
  const text = () => chunks.join('');
  return { log, text, lines: () => text().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
