import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Health } from './health.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics-prometheus.js';

export interface MonitorServer {
  /** http://host:port, with the port actually bound (METRICS_PORT=0 picks one). */
  readonly url: string;
  close(): Promise<void>;
}

export interface MonitorOptions {
  host: string;
  port: number;
  metrics: Metrics;
  health: () => Promise<Health>;
  log: Logger;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Why listening failed, in the operator's terms: the variable to change. */
function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') return new Error(`METRICS_PORT ${port} is already in use on ${host}: pick another port, or stop what uses it`);
  if (error.code === 'EACCES') return new Error(`METRICS_PORT ${port} needs special rights on this machine: pick a port above 1023`);
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new Error(`METRICS_HOST ${host} is not an address of this machine (${error.code}): use 127.0.0.1, 0.0.0.0 or one of its addresses`);
  }
  return new Error(`Cannot serve metrics on ${host}:${port}: ${error.message}`);
}

/**
 * /healthz and /metrics over plain node:http, for a process supervisor or a
 * Prometheus scrape. It answers nothing else and reads no request body.
 */
export async function startMonitorServer({ host, port, metrics, health, log }: MonitorOptions): Promise<MonitorServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n');
    }
    if (path === '/healthz') {
      const result = await health();
      return result.ok ? send(res, 200, 'text/plain; charset=utf-8', 'ok\n') : send(res, 503, 'text/plain; charset=utf-8', `${result.reason}\n`);
    }
    if (path === '/metrics') return send(res, 200, metrics.contentType, await metrics.text());
    return send(res, 404, 'text/plain; charset=utf-8', 'not found: this server answers /healthz and /metrics\n');
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error, path: req.url }, 'monitor request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenProblem(error, host, port)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log.info({ url }, `serving ${url}/healthz and ${url}/metrics`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        // A scraper's keep-alive connection would hold close() open until it timed out.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
