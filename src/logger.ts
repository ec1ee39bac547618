import { pino, stdSerializers, type Logger } from 'pino';

export type { Logger } from 'pino';

// Interaction and webhook tokens travel in REST URLs; a logged error must not carry them.
const URL_TOKEN = /\/(interactions\/\d+|webhooks\/\d+)\/[\w.-]{20,}/g;
const BOT_TOKEN = /[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,40}/g;

export function scrubSecrets(text: string): string {
  return text.replace(URL_TOKEN, '/$1/[token]').replace(BOT_TOKEN, '[token]');
}

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const out = stdSerializers.err(error) as Record<string, unknown>;
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === 'string') out[key] = scrubSecrets(value);
  }
  delete out['requestBody'];
  return out;
}

export interface LoggerOptions {
  level: string;
  /** Pretty-print for people; JSON otherwise. Defaults to whether stdout is a terminal. */
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
}

export function createLogger({ level, pretty = Boolean(process.stdout.isTTY), destination }: LoggerOptions): Logger {
  const options = {
    level,
    redact: {
      paths: ['token', '*.token', 'DISCORD_TOKEN', '*.DISCORD_TOKEN', 'config.DISCORD_TOKEN', 'headers.authorization', '*.headers.authorization'],
      censor: '[redacted]',
    },
    serializers: { err: serializeError, error: serializeError },
  };
  if (destination) return pino(options, destination as pino.DestinationStream);
  if (pretty) {
    try {
      return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true } } });
    } catch {
      // pino-pretty is a development dependency; production installs log JSON.
    }
  }
  return pino(options);
}
