// Learning-rate schedule and warm-up, as YOLOv5's train.py: a per-epoch factor lf(epoch) (linear or
// one-cycle cosine down to lrf), and during the first warmup iterations a linear ramp of each
// group's lr (bias group from warmup_bias_lr), of momentum, and of gradient accumulation.

import { roundHalfEven } from '../eval/numeric.js';

export type LrFactor = (epoch: number) => number;

export function linearLr(epochs: number, lrf: number): LrFactor {
  return (x) => (1 - x / epochs) * (1.0 - lrf) + lrf;
}

export function cosineLr(epochs: number, lrf: number): LrFactor {
  return (x) => ((1 - Math.cos((x * Math.PI) / epochs)) / 2) * (lrf - 1) + 1;
}

/** numpy.interp for one x between two points. */
export function interp(x: number, x0: number, x1: number, y0: number, y1: number): number {
  if (x <= x0) return y0;
  if (x >= x1) return y1;
  return y0 + ((x - x0) * (y1 - y0)) / (x1 - x0);
}

export interface WarmupHyp {
  lr0: number;
  momentum: number;
  warmup_epochs: number;
  warmup_momentum: number;
  warmup_bias_lr: number;
}

export interface GroupSetting {
  lr: number;
  momentum: number;
}

/** Warm-up iterations: max(round(warmup_epochs * batches per epoch), 100). */
export function warmupIterations(h: WarmupHyp, batchesPerEpoch: number): number {
  return Math.max(Math.round(h.warmup_epochs * batchesPerEpoch), 100);
}

export { roundHalfEven };

/**
 * During warm-up (ni <= nw): the accumulation count and each group's lr and momentum at
 * iteration ni; group 0 is the bias group. After warm-up: lr0 * lf(epoch), momentum unchanged.
 */
export function warmupSettings(ni: number, nw: number, epoch: number, h: WarmupHyp, lf: LrFactor, groups: number, nbs: number, batchSize: number):
  { accumulate: number; groups: GroupSetting[] } {
  const accumulate = Math.max(1, roundHalfEven(interp(ni, 0, nw, 1, nbs / batchSize)));
  const target = h.lr0 * lf(epoch);
  const settings = Array.from({ length: groups }, (_, j) => ({
    lr: interp(ni, 0, nw, j === 0 ? h.warmup_bias_lr : 0.0, target),
    momentum: interp(ni, 0, nw, h.warmup_momentum, h.momentum),
  }));
  return { accumulate, groups: settings };
}
