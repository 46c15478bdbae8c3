// The training / validation data loader: createLoader(...) → loader.epoch(e), an async iterator of
// batches {images [bs, 3, H, W] float32 0..1, targets, paths, shapes}. Samples are made ahead of the
// consumer by worker threads (prefetch batches in flight), each from its own seed mixSeed(seed, epoch,
// position), so a run is reproducible and independent of the number of workers.
import sharp from 'sharp';
import * as T from '../torch/index.js';
import type { Targets } from '../train/targets.js';
import { augmentHypFrom, type AugmentHyp } from './augment/hyp.js';
import type { LoadedDataset } from './dataset.js';
import { buildImageSource, type CacheMode } from './image-source.js';
import type { Interpolation } from './decode.js';
import { rectBatches, type RectPlan } from './rect.js';
import { threadBudget } from './threads.js';
import { mixSeed, Rng } from './rng.js';
import type { SampleShape } from './sample.js';
import { type EpochPlan, type RunnerMessage, type SampleMessage } from './sample-runner.js';
import { createRunners, setLimit, type SampleRunners } from './worker-pool.js';

export interface LoaderOptions {
  dataset: LoadedDataset;
  imgSize: number;
  batchSize: number;
  /** YOLOv5's augment: mosaic, random perspective, HSV, flips, mixup (training); default false */
  augment?: boolean;
  /** augmentation hyperparameters (any hyp object; missing keys take hyp.scratch-low's values) */
  hyp?: Readonly<Record<string, unknown>> | Partial<AugmentHyp>;
  /** rectangular batches sorted by aspect ratio (no mosaic, no shuffle); default false */
  rect?: boolean;
  /** the model's largest stride; default 32 */
  stride?: number;
  /** rect padding in strides; default 0.5 without augment (validation), 0 with */
  pad?: number;
  /** a new order every epoch; ignored with rect; default false */
  shuffle?: boolean;
  seed?: number;
  cache?: CacheMode | false;
  /**
   * how images are shrunk to imgSize (decode.ts): default `linear` with augment, `area` without, as
   * YOLOv5's load_image chooses
   */
  interpolation?: Interpolation;
  /** disk cache folder (default: `.yolotrim-cache` in the images' common folder) */
  cacheDir?: string;
  /** worker threads making samples; 0 makes them on the main thread; default defaultWorkers() */
  workers?: number;
  /**
   * data-parallel training: this process's share of every epoch, as PyTorch's DistributedSampler
   * (the same seeded order in every process, padded by wrapping to a multiple of `world`; rank r
   * takes positions r, r + world, ...). Samples keep the seed of their position in the whole
   * epoch, so the union of the processes' batches b is the single-process batch b of batchSize ×
   * world images, augmented identically. batchSize is the per-process batch.
   */
  shard?: { rank: number; world: number };
  /** batches made ahead of the one consumed; default 2 */
  prefetch?: number;
  /**
   * samples in progress at once per worker, and image decodes in flight per worker (sharp, on libuv's
   * thread pool); default 1 and 1: a worker then keeps at most one core busy (its JS thread or one
   * decode), which is what the thread budget counts
   */
  perWorker?: number;
  decodesPerWorker?: number;
}

export interface LoaderBatch {
  /** [bs, 3, H, W] float32 in 0..1: the caller owns it (dispose it) */
  images: T.Tensor;
  /** rows [image in batch, cls, cx, cy, w, h], normalised */
  targets: Targets;
  paths: string[];
  /** dataset indices */
  indices: number[];
  /** per image, how it maps to its file (null for mosaics) */
  shapes: (SampleShape | null)[];
}

export interface Loader {
  /** batches per epoch */
  readonly length: number;
  /** images per epoch */
  readonly size: number;
  readonly batchSize: number;
  readonly workers: number;
  /** rect only: per batch [height, width] */
  readonly batchShapes: [number, number][] | null;
  readonly hyp: AugmentHyp;
  epoch(e: number): AsyncGenerator<LoaderBatch, void, undefined>;
  close(): Promise<void>;
}

/** The workers of threadBudget() for this machine's cores. */
export function defaultWorkers(): number {
  return threadBudget().workers;
}

const SHUFFLE_SALT = 0x5f3759df;

function checkShard(shard: LoaderOptions['shard']): number {
  if (!shard) return 1;
  const { rank, world } = shard;
  if (!Number.isInteger(world) || world < 1 || !Number.isInteger(rank) || rank < 0 || rank >= world) {
    throw new RangeError(`createLoader: shard needs 0 <= rank < world, got rank ${rank} of ${world}`);
  }
  return world;
}

/**
 * DistributedSampler's split of an epoch of n positions: per process ceil(n / world) positions of
 * the padded epoch (rank, rank + world, ...); a position p >= n repeats the sample at p - n.
 */
export function shardPositions(n: number, rank: number, world: number): number[] {
  const perRank = Math.ceil(n / world);
  return Array.from({ length: perRank }, (_, k) => k * world + rank);
}

export async function createLoader(o: LoaderOptions): Promise<Loader> {
  const ds = o.dataset;
  if (ds.images.length === 0) throw new RangeError('createLoader: the dataset has no images');
  for (const [k, v] of [['imgSize', o.imgSize], ['batchSize', o.batchSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`createLoader: ${k} must be a positive integer, not ${v}`);
  }
  const augment = o.augment ?? false;
  const rect = o.rect ?? false;
  const workers = o.workers ?? defaultWorkers();
  const hyp = augmentHypFrom(o.hyp as Record<string, unknown> | undefined);
  const world = checkShard(o.shard);
  // rect batches are planned over the whole epoch's batch (batchSize × world): a process's batch b is
  // part of the whole batch b and takes its shape
  const plan = rect ? rectBatches(ds.shapes, o.batchSize * world, o.imgSize, o.stride ?? 32, o.pad ?? (augment ? 0 : 0.5)) : null;
  const source = await buildImageSource(ds.images, o.imgSize, o.cache || 'decode', {
    dir: o.cacheDir, concurrency: Math.max(2, sharp.concurrency()), shapes: ds.shapes, interpolation: o.interpolation ?? (augment ? 'linear' : 'area'),
  });
  const runners = await createRunners(
    { source, labels: ds.labels, config: { imgSize: o.imgSize, augment, rect, hyp }, concurrency: o.perWorker ?? 1, decodes: o.decodesPerWorker ?? 1 },
    workers,
  );
  return new BatchLoader(o, runners, plan, hyp, workers);
}

class BatchLoader implements Loader {
  readonly length: number;
  readonly size: number;
  readonly batchSize: number;
  readonly batchShapes: [number, number][] | null;
  private token = 0;
  private active: { plan: EpochPlan; inbox: Inbox } | null = null;

  constructor(private readonly o: LoaderOptions, private readonly runners: SampleRunners, private readonly rect: RectPlan | null, readonly hyp: AugmentHyp, readonly workers: number) {
    const n = o.dataset.images.length;
    this.size = o.shard ? Math.ceil(n / o.shard.world) : n;
    this.batchSize = o.batchSize;
    this.length = Math.ceil(this.size / o.batchSize);
    this.batchShapes = rect?.batchShapes ?? null;
  }

  /**
   * Positions → dataset index, seed mixSeed(seed, epoch, position), and the rect shape to fill; with a
   * shard, this process's positions of the epoch, each keeping its position in the whole epoch.
   */
  private makePlan(e: number): EpochPlan {
    const { rect, size, batchSize: bs } = this;
    const n = this.o.dataset.images.length;
    const seed = this.o.seed ?? 0;
    let order = rect ? rect.order : Array.from({ length: n }, (_, i) => i);
    if (!rect && this.o.shuffle) order = new Rng(mixSeed(seed, e, SHUFFLE_SALT)).shuffle([...order]);
    const world = this.o.shard?.world ?? 1;
    const positions = this.o.shard ? shardPositions(n, this.o.shard.rank, world) : order.map((_, p) => p);
    const shapes = new Int32Array(2 * size);
    if (rect) positions.forEach((p, q) => shapes.set(rect.batchShapes[Math.floor(p / (bs * world))]!, 2 * q));
    const control = new Int32Array(new SharedArrayBuffer(8));
    return {
      token: ++this.token,
      indices: Int32Array.from(positions, (p) => order[p % n]!),
      seeds: Uint32Array.from(positions, (p) => mixSeed(seed, e, p)),
      shapes,
      control,
    };
  }

  /** Stops the unfinished epoch, if any; its iterator fails with `reason`. */
  private stopActive(reason: string): void {
    if (!this.active) return;
    setLimit(this.active.plan, -1);
    this.active.inbox.fail(new Error(reason));
    this.active = null;
  }

  async *epoch(e: number): AsyncGenerator<LoaderBatch, void, undefined> {
    if (!Number.isInteger(e) || e < 0) throw new RangeError(`epoch must be a non-negative integer, not ${e}`);
    this.stopActive(`epoch stopped: epoch(${e}) was started before it finished`); // one epoch at a time
    const { runners, size: n, batchSize: bs } = this;
    const prefetch = this.o.prefetch ?? 2;
    const plan = this.makePlan(e);
    const mine = { plan, inbox: new Inbox(plan.token) };
    this.active = mine;
    runners.onMessage = (m) => mine.inbox.put(m);
    runners.onFailure = (err) => mine.inbox.fail(err);
    runners.setActive(true);
    runners.start(plan);
    try {
      for (let b = 0; b < this.length; b++) {
        setLimit(plan, Math.min(n, (b + 1 + prefetch) * bs)); // this batch and `prefetch` more in the making
        const samples = await mine.inbox.take(b * bs, Math.min(n, (b + 1) * bs));
        yield collate(samples, this.o.dataset);
      }
    } finally {
      setLimit(plan, -1);
      if (this.active === mine) {
        this.active = null;
        runners.setActive(false);
      }
    }
  }

  async close(): Promise<void> {
    this.stopActive('the loader was closed');
    await this.runners.close();
  }
}

/** Results of one epoch by position, and the one wait for a complete batch. */
class Inbox {
  private readonly got = new Map<number, SampleMessage>();
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly token: number) {}

  put(m: RunnerMessage): void {
    if (m.token !== this.token) return; // left over from a stopped epoch
    if ('error' in m) this.failure ??= new Error(m.error);
    else this.got.set(m.pos, m);
    this.wake?.();
  }

  fail(e: Error): void {
    this.failure ??= e;
    this.wake?.();
  }

  async take(from: number, to: number): Promise<SampleMessage[]> {
    for (;;) {
      if (this.failure) throw this.failure;
      let complete = true;
      for (let p = from; p < to && complete; p++) complete = this.got.has(p);
      if (complete) {
        const out: SampleMessage[] = [];
        for (let p = from; p < to; p++) {
          out.push(this.got.get(p)!);
          this.got.delete(p);
        }
        return out;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}

/** Stacks the samples into one uint8 buffer, turned into float 0..1 by libtorch. */
export function collate(samples: readonly SampleMessage[], ds: LoadedDataset): LoaderBatch {
  const { width: W, height: H } = samples[0]!;
  const plane = 3 * W * H;
  const bytes = new Uint8Array(samples.length * plane);
  let rows = 0;
  samples.forEach((s, j) => {
    if (s.width !== W || s.height !== H) throw new Error(`batch images differ in size: ${W}x${H} and ${s.width}x${s.height} (${ds.images[s.index]})`);
    bytes.set(s.chw, j * plane);
    rows += s.labels.length / 5;
  });
  const targets = new Float32Array(rows * 6);
  let r = 0;
  samples.forEach((s, j) => {
    for (let k = 0; k < s.labels.length; k += 5, r += 6) {
      targets[r] = j;
      targets.set(s.labels.subarray(k, k + 5), r + 1);
    }
  });
  const images = T.scope(() => T.tensor(bytes, { shape: [samples.length, 3, H, W], dtype: 'uint8' }).float().div(255));
  return {
    images,
    targets: { rows: targets, count: rows },
    paths: samples.map((s) => ds.images[s.index]!),
    indices: samples.map((s) => s.index),
    shapes: samples.map((s) => s.shape),
  };
}
