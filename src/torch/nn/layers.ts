// Conv2d and BatchNorm2d over a parameter store path.
import { Tensor } from '../tensor.js';
import { ones, zeros, full } from '../creation.js';
import { noGrad } from '../grad.js';
import * as F from '../functional.js';
import type { StorePath } from './store.js';
import { defaultBias, defaultWeight } from './init.js';
import { syncBatchNorm } from './sync-batchnorm.js';

export interface Conv2dConfig {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
}

export class Conv2d {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly groups: number;

  constructor(readonly path: StorePath, readonly config: Conv2dConfig) {
    const { inChannels, outChannels, kernel } = config;
    this.stride = config.stride ?? 1;
    this.padding = config.padding ?? 0;
    this.dilation = config.dilation ?? 1;
    this.groups = config.groups ?? 1;
    const shape = [outChannels, inChannels / this.groups, kernel, kernel];
    this.weight = path.param('weight', () => defaultWeight(shape));
    this.bias = config.bias === false ? null : path.param('bias', () => defaultBias(outChannels, shape));
  }

  forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

export interface BatchNorm2dConfig {
  numFeatures: number;
  eps?: number;
  momentum?: number;
}

export class BatchNorm2d {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly numBatchesTracked: Tensor;
  readonly eps: number;
  readonly momentum: number;

  constructor(readonly path: StorePath, config: BatchNorm2dConfig) {
    const c = config.numFeatures;
    this.eps = config.eps ?? 1e-5;
    this.momentum = config.momentum ?? 0.1;
    this.weight = path.param('weight', () => ones([c]));
    this.bias = path.param('bias', () => zeros([c]));
    this.runningMean = path.buffer('running_mean', () => zeros([c]));
    this.runningVar = path.buffer('running_var', () => ones([c]));
    this.numBatchesTracked = path.buffer('num_batches_tracked', () => full([], 0, { dtype: 'int64' }));
  }

  forward(x: Tensor): Tensor {
    const training = this.path.training;
    if (training) noGrad(() => this.numBatchesTracked.add_(1));
    const sync = this.path.store.syncBatchNorm;
    if (training && sync) return syncBatchNorm(x, this, sync);
    return F.batchNorm(x, {
      weight: this.weight,
      bias: this.bias,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      training,
      momentum: this.momentum,
      eps: this.eps,
    });
  }
}
