// Runners for the loader: worker threads (each runs the sample pipeline on its own JS thread; sharp's
// decoding runs on libuv's pool) or inline (on the main thread, for workers: 0). Both take positions
// from the plan's shared counter, so which runner makes which sample never changes the result.
import { Worker } from 'node:worker_threads';
import { LIMIT, runEpoch, sampleContext, type EpochPlan, type RunnerMessage, type RunnerSetup } from './sample-runner.js';
import type { SampleContext } from './sample.js';

export interface SampleRunners {
  /** starts making the plan's samples; results arrive through onMessage */
  start(plan: EpochPlan): void;
  onMessage: (m: RunnerMessage) => void;
  /** a runner died: the loader fails the epoch with this */
  onFailure: (e: Error) => void;
  /** keeps the process alive while an epoch waits for samples */
  setActive(active: boolean): void;
  close(): Promise<void>;
}

export function setLimit(plan: EpochPlan, limit: number): void {
  Atomics.store(plan.control, LIMIT, limit);
  Atomics.notify(plan.control, LIMIT);
}

class InlineRunners implements SampleRunners {
  onMessage: (m: RunnerMessage) => void = () => {};
  onFailure: (e: Error) => void = () => {};
  private readonly ctx: SampleContext;
  constructor(private readonly setup: RunnerSetup) {
    this.ctx = sampleContext(setup);
  }
  start(plan: EpochPlan): void {
    runEpoch(plan, this.ctx, this.setup.concurrency, (m) => this.onMessage(m)).catch((e) => this.onFailure(e as Error));
  }
  setActive(): void {}
  async close(): Promise<void> {}
}

/** The worker's module: the .ts source under tsx (registered in the worker too), else the built .js. */
function spawnWorker(setup: RunnerSetup): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./loader-worker.ts', here).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { eval: true, workerData: setup });
  }
  return new Worker(new URL('./loader-worker.js', here), { workerData: setup });
}

class ThreadRunners implements SampleRunners {
  onMessage: (m: RunnerMessage) => void = () => {};
  onFailure: (e: Error) => void = () => {};
  private readonly workers: Worker[];
  private readonly ready: Promise<void>[];
  private closing = false;

  constructor(setup: RunnerSetup, count: number) {
    this.workers = Array.from({ length: count }, () => spawnWorker(setup));
    this.ready = this.workers.map((w, k) => new Promise<void>((resolve) => {
      w.on('message', (m: RunnerMessage | { ready: true }) => {
        if (!('ready' in m)) this.onMessage(m);
        else {
          w.unref(); // idle workers do not keep the process alive; setActive(true) refs them during an epoch
          resolve();
        }
      });
      w.on('error', (e) => this.onFailure(new Error(`loader worker ${k} failed: ${e.message}`)));
      w.on('exit', (code) => {
        if (!this.closing) this.onFailure(new Error(`loader worker ${k} exited (code ${code})`));
      });
    }));
  }

  start(plan: EpochPlan): void {
    for (const w of this.workers) w.postMessage(plan);
  }

  setActive(active: boolean): void {
    for (const w of this.workers) (active ? w.ref() : w.unref());
  }

  async whenReady(): Promise<void> {
    await Promise.all(this.ready);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** `workers` threads, or the main thread for 0. */
export async function createRunners(setup: RunnerSetup, workers: number): Promise<SampleRunners> {
  if (workers === 0) return new InlineRunners(setup);
  const r = new ThreadRunners(setup, workers);
  try {
    await Promise.race([r.whenReady(), new Promise<never>((_, reject) => (r.onFailure = reject))]);
  } catch (e) {
    await r.close();
    throw e;
  }
  r.onFailure = () => {};
  return r;
}
