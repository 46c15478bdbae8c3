// bench:data: the training data pipeline on the fruit set (YOLO copy made in a temp folder), with
// augmentation on (hyp.scratch-low: mosaic, scale/translate, HSV, flips), at 320 and 640 px, next to
// the rate a yolov5n train step (batch 16, forward + ComputeLoss + backward + SGD) consumes images,
// alone and WITH the pipeline running, for a few thread budgets. Short by design (2 shared cores).
// BENCH_BATCHES (default 3) timed batches per measure, after one warm-up. Batch pictures (train_batch0-
// style) go to runs/bench-data/.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import * as T from '../../src/torch/index.js';
import { SGD } from '../../src/torch/optim/index.js';
import { loadModelYaml, specFromYaml } from '../../src/model/yaml.js';
import { Yolov5Model } from '../../src/model/build.js';
import { ComputeLoss, scaleLossHyp } from '../../src/train/loss.js';
import type { Targets } from '../../src/train/targets.js';
import { convertDataset } from '../../src/data/convert.js';
import { loadSplit, type LoadedDataset } from '../../src/data/dataset.js';
import { createLoader } from '../../src/data/loader.js';
import { threadBudget } from '../../src/data/threads.js';
import type { CacheMode } from '../../src/data/image-source.js';
import { plotBatch } from '../../src/data/batch-plot.js';
import { median } from '../lib/python-peer.js';

const FRUIT = path.resolve(import.meta.dirname, '../../../shared/datasets/fruit');
const BATCH = 16;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 3);
const PICTURES = path.resolve(import.meta.dirname, '../../runs/bench-data');
const CORES = os.availableParallelism();

async function fruitYolo(): Promise<{ root: string; ds: LoadedDataset }> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'yolotrim-bench-data-'));
  mkdirSync(path.join(root, 'images'));
  cpSync(path.join(FRUIT, 'Annotations'), path.join(root, 'Annotations'), { recursive: true });
  for (const f of readdirSync(path.join(FRUIT, 'images'))) symlinkSync(path.join(FRUIT, 'images', f), path.join(root, 'images', f));
  const conv = await convertDataset(root, { decode: false });
  return { root, ds: await loadSplit(conv.dataYaml, 'train') };
}

class Trainer {
  readonly model: Yolov5Model;
  private readonly loss: ComputeLoss;
  private readonly opt: SGD;
  constructor(names: string[], imgSize: number) {
    T.manualSeed(0);
    this.model = new Yolov5Model(specFromYaml(loadModelYaml('yolov5n'), { nc: names.length }), names);
    const a = this.model.detect.anchors.toArray();
    const anchors = [0, 1, 2].map((l) => [0, 1, 2].map((k) => [a[(l * 3 + k) * 2]!, a[(l * 3 + k) * 2 + 1]!]));
    const hyp = { box: 0.05, cls: 0.5, obj: 1.0, anchor_t: 4, cls_pw: 1, obj_pw: 1, fl_gamma: 0 };
    this.loss = new ComputeLoss(scaleLossHyp(hyp, 3, names.length, imgSize), names.length, anchors);
    const params = [...this.model.store.params].map(([name, tensor]) => ({ name, tensor }));
    this.opt = new SGD([{ params }], { lr: 0.01, momentum: 0.937, nesterov: true, weightDecay: 5e-4 });
  }
  step(x: T.Tensor, targets: Targets): void {
    T.scope(() => {
      this.model.train();
      this.opt.zeroGrad();
      const r = this.loss.compute(this.model.forward(x).raw, targets);
      r.loss.backward();
      this.opt.step();
    });
  }
  dispose(): void {
    this.opt.dispose();
    this.model.dispose();
  }
}

const loaderFor = (ds: LoadedDataset, imgSize: number, workers: number, cache?: CacheMode) =>
  createLoader({ dataset: ds, imgSize, batchSize: BATCH, augment: true, shuffle: true, seed: 0, workers, cache });

/** Images per second of the pipeline alone (the consumer only disposes the batches). */
async function pipelineRate(ds: LoadedDataset, imgSize: number, workers: number, cache?: CacheMode): Promise<number> {
  const loader = await loaderFor(ds, imgSize, workers, cache);
  let t0 = 0, n = 0, b = 0;
  for await (const batch of loader.epoch(0)) {
    batch.images.dispose();
    if (b === 0) t0 = performance.now(); // after the first batch: workers started, prefetch filled
    else n += BATCH;
    if (++b > BATCHES) break;
  }
  await loader.close();
  return (n / (performance.now() - t0)) * 1000;
}

/** Median train-step ms on one fixed batch, nothing else running. */
function stepAlone(trainer: Trainer, x: T.Tensor, t: Targets): number {
  trainer.step(x, t);
  const ms: number[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const t0 = performance.now();
    trainer.step(x, t);
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** A training loop on the loader's batches: median step ms, mean wait for a batch, images/s overall. */
async function trainWithPipeline(ds: LoadedDataset, trainer: Trainer, imgSize: number, workers: number, cache?: CacheMode): Promise<{ step: number; wait: number; rate: number }> {
  const loader = await loaderFor(ds, imgSize, workers, cache);
  const steps: number[] = [], waits: number[] = [];
  let b = 0, t0 = 0, tw = performance.now();
  for await (const batch of loader.epoch(1)) {
    const got = performance.now();
    if (b === 1) t0 = tw;
    if (b >= 1) waits.push(got - tw);
    trainer.step(batch.images, batch.targets);
    if (b >= 1) steps.push(performance.now() - got);
    batch.images.dispose();
    tw = performance.now();
    if (++b > BATCHES) break;
  }
  await loader.close();
  const mean = waits.reduce((s, v) => s + v, 0) / waits.length;
  return { step: median(steps), wait: mean, rate: ((BATCHES * BATCH) / (performance.now() - t0)) * 1000 };
}

async function main(): Promise<void> {
  const { root, ds } = await fruitYolo();
  const budget = threadBudget(CORES);
  sharp.concurrency(budget.sharpConcurrency);
  console.log(`bench:data  fruit train split: ${ds.images.length} images (${ds.counts.labels} boxes), batch ${BATCH}, augment hyp.scratch-low, ` +
    `${CORES} cores; libvips threads per image ${sharp.concurrency()}, 1 sample and 1 decode in flight per worker`);
  console.log(`thread budget chosen (threadBudget): ${budget.workers} loader worker(s) + ${budget.torchThreads} libtorch thread(s); ` +
    `OMP_WAIT_POLICY ${process.env.OMP_WAIT_POLICY ?? 'unset'}; libtorch ${T.runtimeInfo().libtorch}`);
  console.log(`${BATCHES} timed batches per measure after 1 warm-up; "no cache" decodes every image (4 per mosaic) with sharp`);
  const load = () => os.loadavg().map((v) => v.toFixed(1)).join(' ');
  console.log(`load average at start: ${load()} (other processes on these cores skew every figure)`);
  const rows: string[] = [];
  try {
    for (const imgSize of [320, 640]) {
      for (const [workers, cache] of [[1, undefined], [2, undefined], [1, 'ram']] as const) {
        const rate = await pipelineRate(ds, imgSize, workers, cache);
        rows.push(`| ${imgSize} | pipeline alone: ${workers} worker${workers > 1 ? 's' : ''}, ${cache ? `--cache ${cache}` : 'no cache'} | | | ${rate.toFixed(1)} |`);
      }
      const trainer = new Trainer(ds.names, imgSize);
      const probe = await loaderFor(ds, imgSize, 1);
      const it = probe.epoch(0);
      const first = (await it.next()).value!;
      await plotBatch(first, path.join(PICTURES, `train_batch0_${imgSize}.jpg`), { names: ds.names });
      for (const threads of [2, 1]) {
        T.setNumThreads(threads);
        const alone = stepAlone(trainer, first.images, first.targets);
        rows.push(`| ${imgSize} | train step alone, libtorch ${threads} thr | ${alone.toFixed(0)} | | ${((BATCH / alone) * 1000).toFixed(1)} |`);
      }
      await it.return(undefined);
      first.images.dispose();
      await probe.close();
      for (const [threads, workers, cache] of [[2, 1, undefined], [1, 1, undefined], [1, 1, 'ram']] as const) {
        T.setNumThreads(threads);
        const r = await trainWithPipeline(ds, trainer, imgSize, workers, cache);
        const what = `libtorch ${threads} thr + ${workers} worker, ${cache ? `--cache ${cache}` : 'no cache'}`;
        rows.push(`| ${imgSize} | training WITH pipeline: ${what} | ${r.step.toFixed(0)} | ${r.wait.toFixed(0)} | ${r.rate.toFixed(1)} |`);
      }
      trainer.dispose();
    }
  } finally {
    console.log('');
    console.log('| img | measure | step ms (median) | wait for batch ms (mean) | images/s |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(r);
    console.log(`load average at end: ${load()}`);
    console.log(`batch pictures: ${path.join(PICTURES, 'train_batch0_320.jpg')} and _640.jpg`);
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
