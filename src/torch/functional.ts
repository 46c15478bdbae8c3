// Functional neural-network ops (torch.nn.functional): convolution, normalisation, pooling,
// resampling and losses; multi-tensor ops (cat, stack, where, meshgrid).
import { native as N } from './native.js';
import { Tensor, wrap, wrapMany } from './tensor.js';
import { checkDim, checkInt, checkScalar, checkShape } from './check.js';
import { TorchError } from './errors.js';

export type Reduction = 'mean' | 'sum' | 'none';
type Pair = number | readonly [number, number];

function pair(op: string, v: Pair): number[] {
  const p = typeof v === 'number' ? [v, v] : [...v];
  return checkShape(op, p);
}

function h(t: Tensor | null | undefined): number {
  return t ? t.handle : -1;
}

function present(...ts: (Tensor | null | undefined)[]): Tensor[] {
  return ts.filter((t): t is Tensor => Boolean(t));
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: Conv2dOptions = {}): Tensor {
  const r = N.conv2d(x.handle, weight.handle, h(bias), pair('conv2d', o.stride ?? 1), pair('conv2d', o.padding ?? 0),
    pair('conv2d', o.dilation ?? 1), checkInt('conv2d', o.groups ?? 1));
  return wrap('conv2d', r, present(x, weight, bias));
}

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return wrap('linear', N.linear(x.handle, weight.handle, h(bias)), present(x, weight, bias));
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  training: boolean;
  momentum?: number;
  eps?: number;
}

/** In training mode the running statistics are updated in place (PyTorch's semantics). */
export function batchNorm(x: Tensor, o: BatchNormOptions): Tensor {
  const r = N.batchNorm(x.handle, h(o.weight), h(o.bias), h(o.runningMean), h(o.runningVar), o.training,
    checkScalar('batchNorm', o.momentum ?? 0.1), checkScalar('batchNorm', o.eps ?? 1e-5));
  return wrap('batchNorm', r, present(x, o.weight, o.bias, o.runningMean, o.runningVar));
}

export function maxPool2d(x: Tensor, kernel: Pair, o: { stride?: Pair; padding?: Pair; dilation?: Pair; ceilMode?: boolean } = {}): Tensor {
  const r = N.maxPool2d(x.handle, pair('maxPool2d', kernel), pair('maxPool2d', o.stride ?? kernel), pair('maxPool2d', o.padding ?? 0),
    pair('maxPool2d', o.dilation ?? 1), o.ceilMode ?? false);
  return wrap('maxPool2d', r, [x]);
}

export function avgPool2d(x: Tensor, kernel: Pair, o: { stride?: Pair; padding?: Pair } = {}): Tensor {
  return wrap('avgPool2d', N.avgPool2d(x.handle, pair('avgPool2d', kernel), pair('avgPool2d', o.stride ?? kernel), pair('avgPool2d', o.padding ?? 0)), [x]);
}

export function adaptiveAvgPool2d(x: Tensor, size: Pair): Tensor {
  return wrap('adaptiveAvgPool2d', N.adaptiveAvgPool2d(x.handle, pair('adaptiveAvgPool2d', size)), [x]);
}

/** Nearest-neighbour upsampling by an output size or by scale factors. */
export function upsampleNearest2d(x: Tensor, o: { size?: readonly [number, number]; scale?: Pair }): Tensor {
  if (o.size) return wrap('upsampleNearest2d', N.upsampleNearest2d(x.handle, checkShape('upsampleNearest2d', o.size), 0, 0), [x]);
  if (o.scale === undefined) throw new TorchError('upsampleNearest2d', [], 'give size or scale');
  const [sh, sw] = typeof o.scale === 'number' ? [o.scale, o.scale] : o.scale;
  return wrap('upsampleNearest2d', N.upsampleNearest2d(x.handle, [], checkScalar('upsampleNearest2d', sh), checkScalar('upsampleNearest2d', sw)), [x]);
}

/** Constant padding; pads as torch.nn.functional.pad: [left, right, top, bottom, ...] from the last dim. */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  return wrap('pad', N.constantPad(x.handle, pads.map((p) => checkInt('pad', p)), checkScalar('pad', value)), [x]);
}

export function bceWithLogits(x: Tensor, target: Tensor, o: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  const r = N.bceWithLogits(x.handle, target.handle, h(o.weight), h(o.posWeight), o.reduction ?? 'mean');
  return wrap('bceWithLogits', r, present(x, target, o.weight, o.posWeight));
}

export function mseLoss(x: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return wrap('mseLoss', N.mseLoss(x.handle, target.handle, reduction), [x, target]);
}

export function l1Loss(x: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return wrap('l1Loss', N.l1Loss(x.handle, target.handle, reduction), [x, target]);
}

export function smoothL1Loss(x: Tensor, target: Tensor, reduction: Reduction = 'mean', beta = 1): Tensor {
  return wrap('smoothL1Loss', N.smoothL1Loss(x.handle, target.handle, reduction, checkScalar('smoothL1Loss', beta)), [x, target]);
}

/** KL divergence as torch.nn.functional.kl_div: input holds log-probabilities. */
export function klDiv(input: Tensor, target: Tensor, reduction: Reduction | 'batchmean' = 'mean', logTarget = false): Tensor {
  if (reduction !== 'batchmean') return wrap('klDiv', N.klDiv(input.handle, target.handle, reduction, logTarget), [input, target]);
  const summed = wrap('klDiv', N.klDiv(input.handle, target.handle, 'sum', logTarget), [input, target]);
  const out = summed.div(input.size(0));
  summed.dispose();
  return out;
}

export function crossEntropy(logits: Tensor, target: Tensor, o: { weight?: Tensor | null; reduction?: Reduction; labelSmoothing?: number } = {}): Tensor {
  const r = N.crossEntropy(logits.handle, target.handle, h(o.weight), o.reduction ?? 'mean', checkScalar('crossEntropy', o.labelSmoothing ?? 0));
  return wrap('crossEntropy', r, present(logits, target, o.weight));
}

export function cat(ts: readonly Tensor[], dim = 0): Tensor {
  return wrap('cat', N.cat(ts.map((t) => t.handle), checkDim('cat', dim)), ts);
}

export function stack(ts: readonly Tensor[], dim = 0): Tensor {
  return wrap('stack', N.stack(ts.map((t) => t.handle), checkDim('stack', dim)), ts);
}

export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  return wrap('where', N.where(cond.handle, a.handle, b.handle), [cond, a, b]);
}

export function meshgrid(ts: readonly Tensor[], indexing: 'ij' | 'xy' = 'ij'): Tensor[] {
  return wrapMany('meshgrid', N.meshgrid(ts.map((t) => t.handle), indexing), ts);
}
