/**
 * One worker thread that draws charts, so the bot's event loop never waits on a
 * render. It starts on the first render, is unref'd whenever it has nothing to
 * do (an idle renderer never keeps the process alive), and is ended by close().
 * A render that throws, or takes longer than the time limit, or is cut short by
 * close(), resolves to a typed failure; nothing here rejects or throws.
 *
 * Where the worker's code is: from dist/ (npm start) it is ./worker.js next to
 * this file. Under tsx or vitest this file is still TypeScript, and so is the
 * worker: its thread first registers tsx's loader (a development dependency,
 * only needed there), then imports ./worker.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChartRequest, Drawn } from './render.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

export type RenderFailureKind = 'timeout' | 'render-failed' | 'closed';
export type RenderOutcome = { ok: true; drawn: Drawn } | { ok: false; kind: RenderFailureKind; message: string };

interface Pending {
  resolve(outcome: RenderOutcome): void;
  timer: NodeJS.Timeout;
}

export class RenderWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly timeoutMs: number) {}

  render(request: ChartRequest): Promise<RenderOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, kind: 'closed', message: 'the chart renderer is closed' });
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch (error) {
      return Promise.resolve({ ok: false, kind: 'render-failed', message: `the render worker did not start: ${(error as Error).message}` });
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.timedOut(id), this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      // While a render is owed, the worker keeps the process alive (a script awaiting a chart must not exit early).
      worker.ref();
      worker.postMessage({ id, request } satisfies WorkerRequest);
    });
  }

  /** Ends the worker; renders still owed resolve as `closed`. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    this.failAll('closed', 'the chart renderer was closed');
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = spawnWorker();
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const owed = this.settle(reply.id);
      if (!owed) return;
      owed.resolve(reply.ok ? { ok: true, drawn: { png: reply.png, width: reply.width, height: reply.height } } : { ok: false, kind: 'render-failed', message: reply.message });
    });
    // An uncaught error or an exit ends this worker: what it owed fails, and the next render starts a new one.
    const lost = (message: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll('render-failed', message);
      void worker.terminate();
    };
    worker.on('error', (error) => lost(`the render worker failed: ${error.message}`));
    worker.on('exit', (code) => lost(`the render worker exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private settle(id: number): Pending | undefined {
    const owed = this.pending.get(id);
    if (!owed) return undefined;
    clearTimeout(owed.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    return owed;
  }

  /** A render over the limit: the worker may be stuck in it, so it is replaced; renders queued behind it fail too. */
  private timedOut(id: number): void {
    const owed = this.settle(id);
    if (!owed) return;
    owed.resolve({ ok: false, kind: 'timeout', message: `the chart took longer than ${this.timeoutMs} ms` });
    const worker = this.worker;
    this.worker = undefined;
    this.failAll('render-failed', 'the render worker was restarted after a chart took too long');
    void worker?.terminate();
  }

  private failAll(kind: RenderFailureKind, message: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.resolve({ ok: false, kind, message });
  }
}

function spawnWorker(): Worker {
  const here = import.meta.url;
  // A worker inherits the process's node options, but --input-type (node -e scripts) is refused for a file entry.
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'));
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { execArgv });
  const entry = new URL('./worker.ts', here).href;
  return new Worker(`import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, { eval: true, execArgv });
}

/** tsx's ESM API, found through tsx's own package.json exports (createRequire would resolve its CommonJS build). */
function tsxApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(join(dirname(manifest), exports['./esm/api']!.import.default)).href;
}
