import type { IncomingHttpHeaders } from 'node:http';
import type { UploadedFile } from './body.js';

export interface Ctx {
  method: string;
  /** Path after /api/v10, decoded, without the query. */
  path: string;
  /** Templated route, e.g. 'POST /channels/:id/messages'. */
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  files: UploadedFile[];
  headers: IncomingHttpHeaders;
}

export interface Result {
  status: number;
  json?: unknown;
  /** Raw bytes instead of JSON (attachment downloads). */
  raw?: { data: Buffer; contentType: string };
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Result | Promise<Result>;

export interface RouteDef {
  method: string;
  template: string;
  /** Needs `Authorization: Bot <token>` (false for interaction callbacks and webhooks). */
  auth: boolean;
  handler: Handler;
}

interface Compiled extends RouteDef {
  route: string;
  segments: string[];
}

export const ok = (json: unknown, status = 200): Result => ({ status, json });
export const noContent = (): Result => ({ status: 204 });

export interface Match {
  def: Compiled;
  params: Record<string, string>;
}

/** Matches split paths against templates; literal segments win over parameters. */
export class Router {
  #byLength = new Map<number, Compiled[]>();

  add(defs: RouteDef[]): void {
    for (const def of defs) {
      const segments = def.template.split('/').slice(1);
      const compiled: Compiled = { ...def, route: `${def.method} ${def.template}`, segments };
      const list = this.#byLength.get(segments.length) ?? [];
      list.push(compiled);
      // Routes with more literal segments first.
      list.sort((a, b) => literals(b.segments) - literals(a.segments));
      this.#byLength.set(segments.length, list);
    }
  }

  /** undefined: no such path; 'method': the path exists for another method. */
  match(method: string, parts: string[]): Match | 'method' | undefined {
    const list = this.#byLength.get(parts.length);
    if (!list) return undefined;
    let otherMethod = false;
    outer: for (const def of list) {
      const params: Record<string, string> = {};
      for (let i = 0; i < parts.length; i++) {
        const seg = def.segments[i] as string;
        const part = parts[i] as string;
        if (seg.charCodeAt(0) === 58 /* : */) {
          if (part.length === 0) continue outer;
          params[seg.slice(1)] = part;
        } else if (seg !== part) continue outer;
      }
      if (def.method === method) return { def, params };
      otherMethod = true;
    }
    return otherMethod ? 'method' : undefined;
  }
}

function literals(segments: string[]): number {
  let n = 0;
  for (const s of segments) if (!s.startsWith(':')) n++;
  return n;
}
