// Making the samples of an epoch, in a worker thread or inline: every runner takes the next position
// from a shared counter (so no thread waits for the main thread to hand out work, even while it is
// busy in a training step) up to a limit the main thread raises as it consumes batches.
import { toChw } from './augment/image.js';
import { openImageSource, type ImageSourceSpec } from './image-source.js';
import { makeSample, type SampleConfig, type SampleContext, type SampleShape } from './sample.js';

/** Control words in a SharedArrayBuffer: the next position to take, and the limit (-1: stop). */
export const NEXT = 0;
export const LIMIT = 1;

export interface EpochPlan {
  /** identifies the epoch's results (a new one per epoch() call) */
  token: number;
  /** per position: dataset index, seed, and the [h, w] to fill (rect; 0 for none) */
  indices: Int32Array;
  seeds: Uint32Array;
  shapes: Int32Array;
  control: Int32Array;
}

export interface SampleMessage {
  token: number;
  pos: number;
  index: number;
  /** CHW bytes */
  chw: Uint8Array;
  width: number;
  height: number;
  labels: Float32Array;
  shape: SampleShape | null;
}

export interface ErrorMessage {
  token: number;
  pos: number;
  error: string;
}

export type RunnerMessage = SampleMessage | ErrorMessage;

export interface RunnerSetup {
  source: ImageSourceSpec;
  labels: Float32Array[];
  config: SampleConfig;
  /** samples in progress at once per runner (>1 lets one decode while another is augmented) */
  concurrency: number;
  /** image decodes in flight at once per runner (each on a libuv thread) */
  decodes: number;
}

export function sampleContext(setup: RunnerSetup): SampleContext {
  return { labels: setup.labels, images: openImageSource(setup.source, setup.decodes), config: setup.config };
}

/** Atomics.waitAsync (Node 16+; not in the ES2022 type library this project compiles against). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

function claim(c: Int32Array): number {
  for (;;) {
    const n = Atomics.load(c, NEXT);
    if (n >= Atomics.load(c, LIMIT)) return -1;
    if (Atomics.compareExchange(c, NEXT, n, n + 1) === n) return n;
  }
}

async function oneSample(plan: EpochPlan, pos: number, ctx: SampleContext): Promise<RunnerMessage> {
  try {
    const h = plan.shapes[2 * pos]!, w = plan.shapes[2 * pos + 1]!;
    const task = { index: plan.indices[pos]!, seed: plan.seeds[pos]!, ...(h > 0 ? { shape: [h, w] as [number, number] } : {}) };
    const s = await makeSample(task, ctx);
    return { token: plan.token, pos, index: s.index, chw: toChw(s.image), width: s.image.width, height: s.image.height, labels: s.labels, shape: s.shape };
  } catch (e) {
    return { token: plan.token, pos, error: (e as Error).message ?? String(e) };
  }
}

/** Takes positions until the epoch is done or stopped, `concurrency` at a time; posts each result. */
export async function runEpoch(plan: EpochPlan, ctx: SampleContext, concurrency: number, post: (m: RunnerMessage) => void): Promise<void> {
  const c = plan.control;
  const total = plan.indices.length;
  const running = new Set<Promise<void>>();
  for (;;) {
    // read before claiming: if the limit rises after this, waitAsync below returns at once
    const limit = Atomics.load(c, LIMIT);
    while (running.size < concurrency) {
      const pos = claim(c);
      if (pos < 0) break;
      const job: Promise<void> = oneSample(plan, pos, ctx).then((m) => {
        running.delete(job);
        post(m);
      });
      running.add(job);
    }
    if (running.size > 0) await Promise.race(running);
    else if (limit < 0 || Atomics.load(c, NEXT) >= total) return;
    else {
      const w = waitAsync(c, LIMIT, limit);
      if (w.async) await w.value;
    }
  }
}
