// train(): YOLOv5's train.py from top to bottom: run folder, hyperparameters, data, model,
// anchors, optimizer, EMA, resume, the epoch loop, final checkpoints and plots.
import { writeFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { liveTensors, manualSeed, type Tensor } from '../torch/index.js';
import type { ParamStore } from '../torch/nn/index.js';
import { Yolov5Model } from '../model/build.js';
import { saveCheckpoint } from '../model/checkpoint.js';
import { makeRunDir } from '../infer/run-dir.js';
import { loadHyp, type Hyp } from './hyp.js';
import { ComputeLoss, scaleLossHyp } from './loss.js';
import { ModelEMA } from './ema.js';
import { makeOptimizer, type OptimizerName } from './param-groups.js';
import { cosineLr, linearLr } from './lr.js';
import { runEpochs, InterruptedError, type Batch, type ExtraLoss, type ValResult } from './loop.js';
import { plotResults, plotTrainBatch } from './plots.js';
import { plotLabels } from './plot-labels.js';
import { addBnL1Subgradient } from '../prune/sparsity.js';
import { bnGammas, plotBnGammas, shareBelow } from './bn-gamma.js';
import { ResultsCsv, BASE_COLUMNS } from './results.js';
import { saveTrainCheckpoint, loadResumeState, type TrainProgress } from './state.js';
import { setupModel, freezeLayers } from './setup-model.js';
import { openTrainData, checkAnchors } from './data.js';
import { anchorsOf } from './anchors.js';
import { DataParallel } from '../dist/data-parallel.js';
import type { ProcessGroup } from '../dist/group.js';

export interface TrainOptions {
  weights?: string;
  cfg?: string;
  data: string;
  hyp?: string;
  epochs: number;
  batchSize: number;
  imgSize: number;
  optimizer: OptimizerName;
  cosLr: boolean;
  labelSmoothing: number;
  patience: number;
  freeze: number[];
  seed: number;
  /** data loader worker threads (default: one per core beyond the first, so libtorch keeps its cores) */
  workers?: number;
  /** YOLOv5's --cache; 'none' never caches; undefined caches small sets in RAM (same pixels, decoded once) */
  cache?: 'ram' | 'disk' | 'none';
  rect: boolean;
  noval: boolean;
  nosave: boolean;
  noautoanchor: boolean;
  noplots: boolean;
  project: string;
  name: string;
  existOk: boolean;
  resume?: string;
  /** network slimming: L1 penalty on BatchNorm gammas (then `prune --method bn`) */
  sparsity?: number;
  /** data parallel: this process's group (batchSize is the total over the group; rank 0 validates and saves) */
  group?: ProcessGroup;
  /** data parallel: BatchNorm statistics over the whole group's batch (SyncBatchNorm) */
  syncBn?: boolean;
  /** hook for distillation: builds the extra loss once the student exists */
  extraLoss?: (student: Yolov5Model, gains: ComputeLoss['hyp']) => ExtraLoss;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface TrainResult {
  runDir: string;
  best: string;
  last: string;
  epochs: number;
  metrics: ValResult | null;
}

export const TRAIN_DEFAULTS: Omit<TrainOptions, 'data'> = {
  epochs: 100, batchSize: 16, imgSize: 640, optimizer: 'SGD', cosLr: false, labelSmoothing: 0, patience: 100, freeze: [0],
  seed: 0, rect: false, noval: false, nosave: false, noautoanchor: false, noplots: false,
  project: 'runs/train', name: 'exp', existOk: false,
};

function rssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Puts the saved adapters (distillation) back; a checkpoint from before they were saved keeps fresh ones, with a warning. */
function restoreExtraParams(store: ParamStore | undefined, saved: Map<string, Tensor>, file: string, log: (line: string) => void): void {
  if (!store || store.stateDict().size === 0) return;
  if (saved.size === 0) {
    log(`WARNING ${file} holds no distillation adapters: they start again from a fresh initialisation`);
    return;
  }
  store.loadStateDict(saved, { strict: true });
}

export async function train(input: TrainOptions): Promise<TrainResult> {
  const dp = input.group && input.group.size > 1 ? new DataParallel(input.group) : null;
  const main = !dp || dp.isMain;
  const log = main ? input.log ?? ((s: string) => console.log(s)) : () => {};
  const resume = input.resume ? loadResumeState(input.resume) : null;
  const o: TrainOptions = resume ? { ...TRAIN_DEFAULTS, ...(resume.progress.options as Partial<TrainOptions>), data: String(resume.progress.options.data), resume: input.resume, extraLoss: input.extraLoss, log, signal: input.signal, group: input.group } : input;
  const rankBatch = dp ? dp.rankBatch(o.batchSize) : o.batchSize;
  const newRunDir = () => makeRunDir({ project: o.project, name: o.name, existOk: o.existOk });
  const runDir = resume ? path.dirname(path.dirname(path.resolve(input.resume!))) : dp ? dp.shared('run_dir', newRunDir) : newRunDir();
  const weightsDir = path.join(runDir, 'weights');
  const last = path.join(weightsDir, 'last.safetensors');
  const best = path.join(weightsDir, 'best.safetensors');
  if (main) mkdirSync(weightsDir, { recursive: true });
  const hyp: Hyp = resume ? (resume.progress.hyp as unknown as Hyp) : { ...loadHyp(o.hyp), label_smoothing: o.labelSmoothing };
  const plainOptions = Object.fromEntries(Object.entries(o).filter(([k, v]) => typeof v !== 'function' && !(v instanceof AbortSignal) && k !== 'group'));
  if (!resume && main) {
    writeFileSync(path.join(runDir, 'hyp.yaml'), stringify(hyp));
    writeFileSync(path.join(runDir, 'opt.yaml'), stringify(plainOptions));
  }
  manualSeed(o.seed);
  const data = await openTrainData(dp ? { ...o, batchSize: rankBatch, shard: dp.shard, validation: main } : o, hyp, log);
  const modelOptions = { syncBatchNorm: dp && o.syncBn ? dp.group : null };
  const { model } = resume ? { model: new Yolov5Model(resume.emaModel.spec, resume.emaModel.names, modelOptions) } : setupModel(o, data.names, log, modelOptions);
  if (resume) model.store.loadStateDict(resume.rawWeights, { strict: true });
  if (o.freeze.some((f) => f > 0)) log(`freezing ${freezeLayers(model, o.freeze)} parameter tensors`);
  const gs = Math.max(...model.stride, 32);
  if (o.imgSize % gs) log(`WARNING --img-size ${o.imgSize} must be multiple of max stride ${gs}`);
  if (!o.noautoanchor && !resume) checkAnchors(model, data.train, o.imgSize, hyp.anchor_t, log);
  if (main && !o.noplots && !resume) await plotLabels(data.train.labels, data.names, runDir);
  const nbs = 64;
  const accumulate = Math.max(Math.round(nbs / o.batchSize), 1);
  const decay = hyp.weight_decay * o.batchSize * accumulate / nbs;
  const gains = scaleLossHyp(hyp, model.stride.length, model.nc, o.imgSize);
  const extraLoss = o.extraLoss?.(model, gains);
  if (dp) {
    dp.broadcastState([model.store, extraLoss?.parameters]);
    model.detect.clearGrids();
  }
  const optimizer = makeOptimizer(model.store, o.optimizer, hyp.lr0, hyp.momentum, decay, extraLoss?.parameters ? [extraLoss.parameters] : []);
  log(`optimizer: ${o.optimizer}(lr=${hyp.lr0}) with parameter groups ${optimizer.groups[2]!.params.length} weight(decay=0.0), ${optimizer.groups[1]!.params.length} weight(decay=${decay}), ${optimizer.groups[0]!.params.length} bias`);
  const emaModel = resume ? resume.emaModel : new Yolov5Model(model.spec, model.names);
  const ema = new ModelEMA(resume ? emaModel.store : model.store, emaModel.store, resume?.progress.emaUpdates ?? 0);
  if (resume) {
    optimizer.loadStateDict(resume.optimizer);
    restoreExtraParams(extraLoss?.parameters, resume.extraWeights, input.resume!, log);
    // every loaded tensor has been copied into the model, the adapters or the optimizer
    for (const t of [...resume.rawWeights.values(), ...resume.extraWeights.values(), ...resume.optimizer.tensors.values()]) t.dispose();
  }
  const computeLoss = new ComputeLoss(gains, model.nc, anchorsOf(model));
  const trainable = optimizer.groups.flatMap((g) => g.params.map((p) => p.tensor)).filter((t) => t.requiresGrad);
  const results = new ResultsCsv(path.join(runDir, 'results.csv'), [...BASE_COLUMNS, ...(extraLoss?.columns ?? [])]);
  const startEpoch = resume ? resume.progress.epoch + 1 : 0;
  if (resume) {
    if (main) results.truncateTo(startEpoch);
    log(`Resuming training from ${input.resume} from epoch ${startEpoch} to ${o.epochs} total epochs`);
  }
  let stop = false;
  const onSigint = () => { stop = true; };
  process.once('SIGINT', onSigint);
  const progress = (epoch: number, bestFitness: number, bestEpoch: number): TrainProgress => ({
    epoch, bestFitness, bestEpoch, emaUpdates: ema.updates, options: plainOptions, hyp: hyp as unknown as Record<string, number>,
  });
  const gammasAtStart = o.sparsity ? bnGammas(model) : null;
  const ctx = {
    model, emaModel, ema, optimizer, computeLoss, loader: data.trainLoader, noval: o.noval,
    validate: dp ? dp.validation(main ? data.validate(computeLoss) : null) : data.validate(computeLoss),
    hyp, lf: o.cosLr ? cosineLr(o.epochs, hyp.lrf) : linearLr(o.epochs, hyp.lrf), epochs: o.epochs, startEpoch,
    batchSize: o.batchSize, nominalBatch: nbs, patience: o.patience,
    bestFitness: resume?.progress.bestFitness ?? 0, bestEpoch: resume?.progress.bestEpoch ?? 0, extraLoss,
    results: main ? results : { append: () => {} },
    save: (epoch: number, isBest: boolean) => {
      const p = progress(epoch, ctx.bestFitness, ctx.bestEpoch);
      if (main && (!o.nosave || epoch + 1 === o.epochs)) {
        saveTrainCheckpoint(last, emaModel, ema, optimizer, p, { data: o.data }, extraLoss?.parameters);
        if (isBest) saveCheckpoint(best, emaModel, { info: { data: o.data, epoch, fitness: ctx.bestFitness } });
      }
      if (o.sparsity) log(`sparsity: ${(100 * shareBelow(bnGammas(emaModel), 0.01)).toFixed(1)}% of BN channels have |gamma| < 0.01`);
      log(`epoch ${epoch + 1}/${o.epochs} done: peak RSS ${rssMb()} MB, live tensors ${liveTensors()}`);
      dp?.afterSave();
    },
    log,
    progress: main ? data.progress : undefined,
    shouldStop: () => stop || Boolean(o.signal?.aborted),
    // data parallel: each rank adds its share, so the gradients' sum over the ranks carries the penalty once
    afterBackward: o.sparsity ? () => addBnL1Subgradient(model, o.sparsity! / (dp?.world ?? 1)) : undefined,
    reduceGradients: dp ? () => dp.reduceGradients(trainable) : undefined,
    plotBatch: o.noplots || !main ? undefined : (batch: Batch, i: number) => plotTrainBatch(batch, i, runDir, model.names),
  };
  let outcome: { lastEpoch: number; stoppedEarly: boolean };
  let final: ValResult | null = null;
  try {
    outcome = await runEpochs(ctx);
    if (main && existsSync(best)) final = await data.validateBest(best, runDir);
    if (main && !o.noplots) await plotResults(runDir);
    if (main && !o.noplots && gammasAtStart) await plotBnGammas(gammasAtStart, bnGammas(emaModel), runDir);
  } catch (e) {
    if (e instanceof InterruptedError) log(`${e.message}: ${existsSync(last) ? `the last finished epoch is in ${last}; continue with --resume ${last}` : 'no epoch finished yet'}`);
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await data.close();
    optimizer.dispose();
    extraLoss?.dispose?.();
    model.dispose();
    emaModel.dispose();
  }
  log(`${outcome.lastEpoch - startEpoch + 1} epochs completed. Results saved to ${runDir}`);
  return { runDir, best, last, epochs: outcome.lastEpoch + 1, metrics: final };
}
