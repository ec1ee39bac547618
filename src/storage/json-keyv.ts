import Keyv, { type KeyvOptions } from 'keyv';
import type { Logger } from 'pino';

/**
 * Keyv in front of one backend's adapter, as every backend here uses it: plain
 * JSON (several times faster than Keyv's default serialiser; our values are
 * plain data), errors thrown where the call is awaited (and logged there), and
 * the adapter's own error events kept at debug level.
 */
export function jsonKeyv(store: KeyvOptions['store'], log: Logger, options: { namespace: string; useKeyPrefix?: boolean }): Keyv {
  const keyv = new Keyv({
    store,
    namespace: options.namespace,
    ...(options.useKeyPrefix === false ? { useKeyPrefix: false } : {}),
    serialize: JSON.stringify,
    deserialize: (raw: string) => JSON.parse(raw) as never,
    throwOnErrors: true,
  });
  keyv.on('error', (error: unknown) => log.debug({ err: error }, 'storage adapter error event'));
  return keyv;
}
