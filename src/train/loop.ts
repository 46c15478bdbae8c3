// The epoch loop of training (YOLOv5's train.py main loop): warm-up, forward, loss, backward,
// gradient accumulation to a nominal batch of 64 with clipping, EMA, per-epoch validation,
// results.csv, last/best checkpoints, early stopping, NaN guard and Ctrl-C.
import { noGrad, scope, type Tensor } from '../torch/index.js';
import { fitness } from '../eval/metrics.js';
import type { Optimizer, GroupOptions } from '../torch/optim/index.js';
import type { ParamStore } from '../torch/nn/index.js';
import type { Yolov5Model } from '../model/build.js';
import type { ComputeLoss } from './loss.js';
import type { ModelEMA } from './ema.js';
import type { Targets } from './targets.js';
import { warmupIterations, warmupSettings, type LrFactor, type WarmupHyp } from './lr.js';
import type { ResultsCsv } from './results.js';

export interface Batch {
  images: Tensor;
  targets: Targets;
  paths: string[];
}

export interface BatchLoader {
  readonly length: number;
  epoch(e: number): AsyncIterable<Batch>;
}

export interface ValResult {
  precision: number;
  recall: number;
  map50: number;
  map: number;
  losses: [number, number, number];
}

/**
 * An additional loss (distillation) on the student's raw outputs and captured layer outputs;
 * its parts are logged as extra results.csv columns.
 */
export interface ExtraLoss {
  columns: string[];
  /** trainable parameters of the extra loss itself (feature adapters), optimised with the model */
  parameters?: ParamStore;
  capture: number[];
  compute(raw: Tensor[], features: Map<number, Tensor>, batch: Batch): { loss: Tensor; parts: number[] };
  dispose?(): void;
}

export interface LoopContext {
  model: Yolov5Model;
  emaModel: Yolov5Model;
  ema: ModelEMA;
  optimizer: Optimizer<GroupOptions>;
  computeLoss: ComputeLoss;
  loader: BatchLoader;
  validate: ((model: Yolov5Model) => Promise<ValResult>) | null;
  /** validate only after the final epoch (--noval) */
  noval: boolean;
  hyp: WarmupHyp & { momentum: number };
  lf: LrFactor;
  epochs: number;
  startEpoch: number;
  batchSize: number;
  nominalBatch: number;
  patience: number;
  bestFitness: number;
  bestEpoch: number;
  /** results.csv (a no-op on the data-parallel ranks other than 0) */
  results: Pick<ResultsCsv, 'append'>;
  extraLoss?: ExtraLoss;
  /** called after each epoch with what must be saved; returns nothing */
  save: (epoch: number, isBest: boolean, fitness: number) => void;
  log: (line: string) => void;
  progress?: (epoch: number, i: number, n: number, losses: number[], instances: number, size: number) => void;
  shouldStop: () => boolean;
  /** called between backward and the optimizer step (sparsity training's L1 on BN gammas) */
  afterBackward?: () => void;
  /** data-parallel training: sums the gradients over the processes before clipping and the step */
  reduceGradients?: () => void;
  /** draws the first augmented batches (train_batch0..2.jpg) */
  plotBatch?: (batch: Batch, index: number) => Promise<void>;
}

export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
}

export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

function setGroups(opt: Optimizer<GroupOptions>, lrs: number[], momentum?: number[]): void {
  opt.groups.forEach((g, j) => {
    g.options.lr = lrs[j]!;
    if (momentum) {
      if ('momentum' in g.options) g.options.momentum = momentum[j]!;
      else if ('beta1' in g.options) g.options.beta1 = momentum[j]!;
    }
  });
}

/** torch.nn.utils.clip_grad_norm_ with max_norm 10 over every parameter with a gradient. */
export function clipGradNorm(model: Yolov5Model, maxNorm = 10): number {
  return noGrad(() => scope(() => {
    const grads = [...model.store.params.values()].map((p) => p.grad).filter((g): g is Tensor => g !== null);
    let sq = 0;
    for (const g of grads) sq += g.square().sum().item();
    const total = Math.sqrt(sq);
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) for (const g of grads) g.mul_(coef);
    return total;
  }));
}

interface StepState {
  ni: number;
  lastOptStep: number;
  accumulate: number;
}

function trainStep(ctx: LoopContext, batch: Batch, s: StepState): number[] {
  return scope(() => {
    const { raw, features } = ctx.model.forward(batch.images, { capture: ctx.extraLoss?.capture });
    const hard = ctx.computeLoss.compute(raw, batch.targets);
    let total = hard.loss;
    const parts = [hard.box, hard.obj, hard.cls];
    if (ctx.extraLoss) {
      const extra = ctx.extraLoss.compute(raw, features, batch);
      total = total.add(extra.loss);
      parts.push(...extra.parts);
    }
    const value = total.item();
    if (!Number.isFinite(value)) {
      throw new NonFiniteLossError(`the loss became ${value} at iteration ${s.ni} (batch of ${batch.paths[0] ?? '?'}, ...): ` +
        'training stopped; the last good checkpoint is kept. Try a lower --hyp lr0 or check the labels.');
    }
    total.backward();
    ctx.afterBackward?.();
    if (s.ni - s.lastOptStep >= s.accumulate) {
      ctx.reduceGradients?.();
      clipGradNorm(ctx.model);
      ctx.optimizer.step();
      ctx.optimizer.zeroGrad();
      ctx.ema.update(ctx.model.store);
      s.lastOptStep = s.ni;
    }
    return parts;
  });
}

export async function runEpochs(ctx: LoopContext): Promise<{ lastEpoch: number; stoppedEarly: boolean }> {
  const nb = ctx.loader.length;
  const nw = warmupIterations(ctx.hyp, nb);
  const state: StepState = { ni: 0, lastOptStep: -1, accumulate: Math.max(Math.round(ctx.nominalBatch / ctx.batchSize), 1) };
  let epoch = ctx.startEpoch;
  for (; epoch < ctx.epochs; epoch++) {
    ctx.model.train();
    setGroups(ctx.optimizer, ctx.optimizer.groups.map(() => ctx.hyp.lr0 * ctx.lf(epoch)));
    const sums: number[] = [];
    let i = 0;
    for await (const batch of ctx.loader.epoch(epoch)) {
      state.ni = i + nb * epoch;
      if (state.ni <= nw) {
        const w = warmupSettings(state.ni, nw, epoch, ctx.hyp, ctx.lf, ctx.optimizer.groups.length, ctx.nominalBatch, ctx.batchSize);
        state.accumulate = w.accumulate;
        setGroups(ctx.optimizer, w.groups.map((g) => g.lr), w.groups.map((g) => g.momentum));
      }
      if (ctx.plotBatch && epoch === ctx.startEpoch && i < 3) await ctx.plotBatch(batch, i);
      const parts = trainStep(ctx, batch, state);
      parts.forEach((v, k) => { sums[k] = (sums[k] ?? 0) + v; });
      const size = batch.images.size(2);
      batch.images.dispose();
      i++;
      ctx.progress?.(epoch, i, nb, sums.map((v) => v / i), batch.targets.count, size);
      // Samples made inline from cached images never wait on I/O, so without this the event loop
      // would not deliver Ctrl-C (or timers) until the run ended.
      await new Promise((resolve) => setImmediate(resolve));
      if (ctx.shouldStop()) throw new InterruptedError(`interrupted in epoch ${epoch}`);
    }
    const lrs = ctx.optimizer.groups.map((g) => g.options.lr);
    const final = epoch + 1 === ctx.epochs;
    const val = ctx.validate && (final || !ctx.noval) ? await ctx.validate(ctx.emaModel) : null;
    const fit = val ? fitness(val) : 0;
    const isBest = fit >= ctx.bestFitness;
    if (isBest) [ctx.bestFitness, ctx.bestEpoch] = [fit, epoch];
    const trainLosses = sums.map((v) => v / Math.max(i, 1));
    ctx.results.append(epoch, [
      ...trainLosses.slice(0, 3),
      val?.precision ?? 0, val?.recall ?? 0, val?.map50 ?? 0, val?.map ?? 0,
      ...(val?.losses ?? [0, 0, 0]), ...lrs, ...trainLosses.slice(3),
    ]);
    ctx.save(epoch, isBest, fit);
    if (epoch - ctx.bestEpoch >= ctx.patience) {
      ctx.log(`Stopping training early as no improvement observed in last ${ctx.patience} epochs. Best results observed at epoch ${ctx.bestEpoch}.`);
      return { lastEpoch: epoch, stoppedEarly: true };
    }
  }
  return { lastEpoch: epoch - 1, stoppedEarly: false };
}
