// The worker thread of the loader: receives the setup once, then one plan per epoch, and posts each
// sample (its bytes transferred, not copied). No libtorch here: only sharp and the augmentations.
import { parentPort, workerData } from 'node:worker_threads';
import { runEpoch, sampleContext, type EpochPlan, type RunnerMessage, type RunnerSetup } from './sample-runner.js';

const port = parentPort;
if (!port) throw new Error('loader-worker.ts runs only as a worker thread');
const setup = workerData as RunnerSetup;
const ctx = sampleContext(setup);

function post(m: RunnerMessage): void {
  if ('chw' in m) port!.postMessage(m, [m.chw.buffer as ArrayBuffer, m.labels.buffer as ArrayBuffer]);
  else port!.postMessage(m);
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (plan: EpochPlan) => {
  // epochs run one after the other; a stopped epoch ends as soon as its samples in progress are done
  queue = queue.then(() => runEpoch(plan, ctx, setup.concurrency, post));
});
port.postMessage({ ready: true });
