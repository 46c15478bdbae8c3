// Training checkpoints: `last` and `best` in our format. The model weights saved are the EMA's
// (what val, detect and export use); the raw weights, optimizer state and counters ride along so
// --resume continues exactly where `last` stopped.
import type { Tensor } from '../torch/index.js';
import type { Optimizer, GroupOptions, OptimizerState } from '../torch/optim/index.js';
import type { Yolov5Model } from '../model/build.js';
import type { ParamStore } from '../torch/nn/index.js';
import { saveCheckpoint, loadCheckpoint, CheckpointError } from '../model/checkpoint.js';
import type { ModelEMA } from './ema.js';

const RAW = 'train.model/';
const OPTIM = 'train.optim/';
/** trainable tensors of an extra loss (distillation adapters), not part of the model */
const EXTRA = 'train.extra/';

export interface TrainProgress {
  /** the epoch that finished */
  epoch: number;
  bestFitness: number;
  bestEpoch: number;
  emaUpdates: number;
  /** options the run was started with (resume reuses them) */
  options: Record<string, unknown>;
  hyp: Record<string, number>;
  /** extra state of a caller (distillation), JSON */
  extra?: Record<string, unknown>;
}

export function saveTrainCheckpoint(file: string, model: Yolov5Model, ema: ModelEMA, opt: Optimizer<GroupOptions> | null,
  progress: TrainProgress, info: Record<string, unknown> = {}, extraParams?: ParamStore): void {
  const extra = new Map<string, Tensor>();
  let optimizer: Omit<OptimizerState, 'tensors'> | undefined;
  if (opt) {
    for (const [k, t] of model.store.stateDict()) extra.set(`${RAW}${k}`, t);
    for (const [k, t] of extraParams?.stateDict() ?? []) extra.set(`${EXTRA}${k}`, t);
    const s = opt.stateDict();
    for (const [k, t] of s.tensors) extra.set(`${OPTIM}${k}`, t);
    optimizer = { groups: s.groups, scalars: s.scalars };
  }
  const train = opt ? { ...progress, optimizer } : undefined;
  saveCheckpoint(file, model, { weights: ema.shadow, extra, train: train as Record<string, unknown> | undefined, info });
}

export interface ResumeState {
  progress: TrainProgress;
  optimizer: OptimizerState;
  rawWeights: Map<string, Tensor>;
  /** the extra loss's own parameters (distillation adapters), empty when it had none */
  extraWeights: Map<string, Tensor>;
  emaModel: Yolov5Model;
  info: Record<string, unknown>;
}

/** Reads a `last` checkpoint for --resume; the caller owns the returned tensors and model. */
export function loadResumeState(file: string): ResumeState {
  const ck = loadCheckpoint(file);
  const train = ck.train as (TrainProgress & { optimizer?: Omit<OptimizerState, 'tensors'> }) | undefined;
  if (!train?.optimizer) {
    ck.model.dispose();
    for (const t of ck.extra.values()) t.dispose();
    throw new CheckpointError(file, 'has no training state to resume (it is a final or stripped checkpoint)');
  }
  const rawWeights = new Map<string, Tensor>();
  const extraWeights = new Map<string, Tensor>();
  const tensors = new Map<string, Tensor>();
  for (const [k, t] of ck.extra) {
    if (k.startsWith(RAW)) rawWeights.set(k.slice(RAW.length), t);
    else if (k.startsWith(EXTRA)) extraWeights.set(k.slice(EXTRA.length), t);
    else if (k.startsWith(OPTIM)) tensors.set(k.slice(OPTIM.length), t);
    else t.dispose();
  }
  const { optimizer, ...progress } = train;
  return { progress, optimizer: { ...optimizer, tensors }, rawWeights, extraWeights, emaModel: ck.model, info: ck.info };
}
