import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseBody, readBody, type ParsedBody } from './body.js';
import { ApiError } from './errors.js';
import { failureResult, type Faults } from './faults.js';
import type { Ctx, Result, Router } from './router.js';
import type { State } from './state.js';
import type { CallRecord, UnknownRouteRecord } from './types.js';

const NO_BODY: ParsedBody = { json: undefined, files: [] };
const EMPTY_QUERY = new URLSearchParams();

export interface RestRecords {
  calls: CallRecord[];
  unknownRoutes: UnknownRouteRecord[];
  /** Unexpected exceptions inside the fake (answered with 500). */
  serverErrors: unknown[];
}

/** The HTTP side: /api/v10 routing, auth, faults, recording. */
export class RestServer {
  constructor(
    private readonly state: State,
    private readonly router: Router,
    private readonly faults: Faults,
    private readonly token: string,
    private readonly records: RestRecords,
    private readonly recordCalls: boolean,
  ) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.#handle(req, res).catch((err: unknown) => {
      this.records.serverErrors.push(err);
      if (!res.headersSent) send(res, { status: 500, json: { message: '500: Internal Server Error', code: 0 } });
    });
  };

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const queryString = q < 0 ? '' : url.slice(q + 1);

    if (pathname.startsWith('/attachments/')) return send(res, this.#attachment(pathname));

    const versioned = /^\/api\/v(\d+)(\/.*)$/.exec(pathname);
    const rawParts = versioned?.[1] === '10' ? (versioned[2] as string).split('/').slice(1) : undefined;
    const parts = rawParts?.map((p) => (p.includes('%') ? safeDecode(p) : p));
    const path = parts ? `/${parts.join('/')}` : pathname;
    const match = parts ? this.router.match(method, parts) : undefined;

    if (!match || match === 'method') {
      if (method !== 'GET' && method !== 'HEAD') await readBody(req);
      this.records.unknownRoutes.push({ method, path, at });
      const result: Result = match === 'method' ? { status: 405, json: { message: '405: Method Not Allowed', code: 0 } } : { status: 404, json: { message: '404: Not Found', code: 0 } };
      this.#record(method, path, `${method} (unknown)`, result.status, undefined, undefined, queryString, at);
      return send(res, result);
    }

    const { def, params } = match;
    const raw = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
    let parsed = NO_BODY;
    let result: Result;
    try {
      if (def.auth && req.headers.authorization !== `Bot ${this.token}`) throw new ApiError(401, 0, '401: Unauthorized');
      let fail = undefined;
      if (this.faults.active) {
        const ms = this.faults.delayFor(def.route);
        if (ms > 0) await sleep(ms);
        fail = this.faults.take(def.route);
      }
      if (raw) parsed = await parseBody(raw, req.headers['content-type']);
      if (fail && !fail.after) result = failureResult(fail, def.route);
      else {
        const ctx: Ctx = {
          method,
          path,
          route: def.route,
          params,
          query: queryString ? new URLSearchParams(queryString) : EMPTY_QUERY,
          body: parsed.json,
          files: parsed.files,
          headers: req.headers,
        };
        try {
          result = await def.handler(ctx);
        } catch (err) {
          if (!(err instanceof ApiError) || !fail) throw err;
          result = failureResult(fail, def.route);
        }
        if (fail) result = failureResult(fail, def.route);
      }
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      result = { status: err.status, json: err.toBody(), ...(err.headers ? { headers: err.headers } : {}) };
    }
    this.#record(method, path, def.route, result.status, parsed.json, parsed.files.length > 0 ? parsed.files.map((f) => f.filename) : undefined, queryString, at);
    send(res, result);
    this.state.changed();
  }

  #record(method: string, path: string, route: string, status: number, body: unknown, files: string[] | undefined, query: string, at: number): void {
    if (!this.recordCalls) return;
    const call: CallRecord = { method, path, route, status, body, query, at, ms: Date.now() - at };
    if (files) call.files = files;
    this.records.calls.push(call);
  }

  #attachment(pathname: string): Result {
    const [, , channelId, id] = pathname.split('/');
    const upload = id ? this.state.uploads.get(id) : undefined;
    if (upload) return { status: 200, raw: { data: upload.data, contentType: upload.content_type ?? 'application/octet-stream' } };
    const channel = channelId ? this.state.channels.get(channelId) : undefined;
    for (const m of channel?.messages ?? []) {
      const a = m.attachments.find((x) => x.id === id);
      if (a) return { status: 200, raw: { data: a.data, contentType: a.content_type ?? 'application/octet-stream' } };
    }
    return { status: 404, json: { message: '404: Not Found', code: 0 } };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function send(res: ServerResponse, result: Result): void {
  if (result.raw) {
    res.writeHead(result.status, { 'content-type': result.raw.contentType, 'content-length': result.raw.data.length, ...result.headers });
    res.end(result.raw.data);
    return;
  }
  if (result.json === undefined) {
    res.writeHead(result.status, result.headers);
    res.end();
    return;
  }
  const text = JSON.stringify(result.json);
  res.writeHead(result.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...result.headers });
  res.end(text);
}
