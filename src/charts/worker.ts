/**
 * The render worker's entry: draws each chart it is sent and posts the PNG back.
 * Drawing and PNG encoding take tens of milliseconds of CPU, which must not run
 * on the bot's event loop (see renderer.ts).
 */
import { parentPort } from 'node:worker_threads';
import { drawChart, type ChartRequest } from './render.js';

export interface WorkerRequest {
  id: number;
  request: ChartRequest;
}
export type WorkerReply = { id: number; ok: true; png: Uint8Array; width: number; height: number } | { id: number; ok: false; message: string };

parentPort?.on('message', ({ id, request }: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const drawn = drawChart(request);
    // A copy in a plain ArrayBuffer can be handed over without a second copy (the canvas's own buffer may not be transferable).
    const png = new Uint8Array(drawn.png);
    reply = { id, ok: true, png, width: drawn.width, height: drawn.height };
    parentPort!.postMessage(reply, [png.buffer]);
  } catch (error) {
    reply = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    parentPort!.postMessage(reply);
  }
});
