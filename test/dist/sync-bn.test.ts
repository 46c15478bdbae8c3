// SyncBatchNorm's arithmetic in one process: with a gather of one process it must be batch norm itself
// (output, gradients, running statistics); with the batch split in two "processes" it must be batch norm
// over the whole batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { syncBatchNorm } from '../../src/torch/nn/index.js';

function maxDiff(a: number[], b: number[]): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

function inputs() {
  const g = new T.Generator(7);
  const x = T.randn([6, 5, 7, 7], { generator: g }).mul(3).add(4);
  const weight = T.rand([5], { generator: g }).add(0.5);
  const bias = T.randn([5], { generator: g });
  const dy = T.randn([6, 5, 7, 7], { generator: g });
  g.dispose();
  return { x, weight, bias, dy };
}

function plainBatchNorm(x: T.Tensor, w: T.Tensor, b: T.Tensor, dy: T.Tensor) {
  const [xg, wg, bg] = [x.clone().requiresGrad_(), w.clone().requiresGrad_(), b.clone().requiresGrad_()];
  const runningMean = T.zeros([5]), runningVar = T.ones([5]);
  const y = T.F.batchNorm(xg, { weight: wg, bias: bg, runningMean, runningVar, training: true, momentum: 0.03, eps: 1e-3 });
  y.mul(dy).sum().backward();
  return { y: y.toArray(), dx: xg.grad!.toArray(), dw: wg.grad!.toArray(), db: bg.grad!.toArray(), rm: runningMean.toArray(), rv: runningVar.toArray() };
}

test('SyncBatchNorm over one process equals batch norm: output, gradients, running statistics', () => T.scope(() => {
  const { x, weight, bias, dy } = inputs();
  const ref = plainBatchNorm(x, weight, bias, dy);
  const [xg, wg, bg] = [x.clone().requiresGrad_(), weight.clone().requiresGrad_(), bias.clone().requiresGrad_()];
  const runningMean = T.zeros([5]), runningVar = T.ones([5]);
  const alone = { gatherWithGrad: (t: T.Tensor) => t.unsqueeze(0) };
  const y = syncBatchNorm(xg, { weight: wg, bias: bg, runningMean, runningVar, eps: 1e-3, momentum: 0.03 }, alone);
  y.mul(dy).sum().backward();
  assert.ok(maxDiff(y.toArray(), ref.y) < 1e-5);
  assert.ok(maxDiff(xg.grad!.toArray(), ref.dx) < 1e-5);
  assert.ok(maxDiff(wg.grad!.toArray(), ref.dw) < 1e-3);
  assert.ok(maxDiff(bg.grad!.toArray(), ref.db) < 1e-3);
  assert.ok(maxDiff(runningMean.toArray(), ref.rm) < 1e-6);
  assert.ok(maxDiff(runningVar.toArray(), ref.rv) < 1e-5, 'unbiased variance, as BatchNorm');
}));

test('SyncBatchNorm over a batch split in two halves equals batch norm over the whole batch', () => T.scope(() => {
  const { x, weight, bias, dy } = inputs();
  const ref = plainBatchNorm(x, weight, bias, dy);
  // Two "ranks" in one process: each half's statistics are gathered with the other's, so the merged
  // statistics (parallel variance) are the whole batch's; forward only (one autograd graph per rank).
  const halves = x.split(3, 0);
  const statsOf = (t: T.Tensor) => T.cat([t.mean([0, 2, 3]), t.var([0, 2, 3], false), T.full([1], t.numel / 5)]);
  const both = T.stack(halves.map(statsOf));
  const runningMean = T.zeros([5]), runningVar = T.ones([5]);
  const ys = halves.map((h) => syncBatchNorm(h, { weight, bias, runningMean: runningMean.clone(), runningVar: runningVar.clone(), eps: 1e-3, momentum: 0.03 }, { gatherWithGrad: () => both }));
  assert.ok(maxDiff(T.cat(ys).toArray(), ref.y) < 1e-5);
}));
