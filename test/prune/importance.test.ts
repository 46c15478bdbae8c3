// Importance criteria against direct computations; Taylor from a loss callback; the sparsity hook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { makeImportance, taylorGradients } from '../../src/prune/importance.js';
import { addBnL1Subgradient } from '../../src/prune/sparsity.js';
import { prune } from '../../src/prune/index.js';
import { freshModel, randomizeBn } from './helpers.js';

const close = (a: number[], b: number[], tol = 1e-5) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)));

function perFilter(t: T.Tensor, f: (v: number[]) => number): number[] {
  const n = t.size(0);
  const all = t.toArray();
  const per = all.length / n;
  return Array.from({ length: n }, (_, i) => f(all.slice(i * per, (i + 1) * per)));
}

test('l1, l2, bn and random scores', () => {
  const model = freshModel('yolov5n', 1);
  randomizeBn(model);
  const w = model.store.get('model.3.conv.weight')!;
  const g = model.store.get('model.3.bn.weight')!;
  const t = { weight: w, bnWeight: g };
  assert.ok(close(makeImportance('l1').scores('model.3', t), perFilter(w, (v) => v.reduce((s, x) => s + Math.abs(x), 0))));
  assert.ok(close(makeImportance('l2').scores('model.3', t), perFilter(w, (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0)))));
  assert.ok(close(makeImportance('bn').scores('model.3', t), g.toArray().map(Math.abs)));
  const r1 = makeImportance('random', { seed: 1 }).scores('model.3', t);
  assert.deepEqual(makeImportance('random', { seed: 1 }).scores('model.3', t), r1);
  assert.notDeepEqual(makeImportance('random', { seed: 2 }).scores('model.3', t), r1);
  assert.notDeepEqual(makeImportance('random', { seed: 1 }).scores('model.5', t), r1);
  assert.ok(r1.length === 64 && r1.every((v) => v >= 0 && v < 1));
  assert.throws(() => makeImportance('bn').scores('x', { weight: w }), /needs a BatchNorm/);
  model.dispose();
});

test('taylor: gradients from a loss callback over a few batches, |w · grad| summed per filter', () => {
  const model = freshModel('yolov5n', 1);
  randomizeBn(model);
  model.train();
  const gen = new T.Generator(3);
  const batches: number[] = [];
  const grads = taylorGradients(model, (m, b) => {
    batches.push(b);
    const x = T.rand([2, 3, 64, 64], { generator: gen });
    return m.forward(x).raw.map((r) => r.square().mean()).reduce((a, c) => a.add(c));
  }, 2);
  gen.dispose();
  assert.deepEqual(batches, [0, 1]);
  assert.equal(model.store.get('model.3.conv.weight')!.grad, null, 'the model\'s own grads are cleared');
  const w = model.store.get('model.3.conv.weight')!;
  const g = grads.get('model.3.conv.weight')!;
  const expected = T.scope(() => perFilter(w.mul(g), (v) => v.reduce((s, x) => s + Math.abs(x), 0)));
  assert.ok(close(makeImportance('taylor').scores('model.3', { weight: w, grad: g }), expected));
  // planning with them: the gradients are sliced along with the weights as inputs go
  const r = prune({ model, layers: '0-9', ratio: 0.3, method: 'taylor', gradients: grads, dryRun: true });
  assert.equal(r.history.steps.length, 19);
  assert.deepEqual(g.shape, [64, 32, 3, 3], 'the caller\'s gradients are untouched');
  for (const t of grads.values()) t.dispose();
  model.dispose();
});

test('the sparsity hook adds s · sign(gamma) to every BN scale gradient', () => {
  const model = freshModel('yolov5n', 1);
  randomizeBn(model);
  T.scope(() => model.train().forward(T.rand([1, 3, 32, 32])).raw.map((r) => r.sum()).reduce((a, c) => a.add(c)).backward());
  const gamma = model.store.get('model.2.cv1.bn.weight')!;
  T.noGrad(() => T.scope(() => gamma.narrow(0, 0, 3).mul_(-1)));
  const before = T.scope(() => gamma.grad!.toArray());
  const signs = gamma.toArray().map(Math.sign);
  assert.deepEqual(signs.slice(0, 4), [-1, -1, -1, 1]);
  const n = addBnL1Subgradient(model, 0.01);
  assert.equal(n, [...model.store.params.keys()].filter((k) => k.endsWith('.bn.weight')).length);
  const after = T.scope(() => gamma.grad!.toArray());
  assert.ok(close(after, before.map((v, i) => v + 0.01 * signs[i]!), 1e-6));
  assert.equal(addBnL1Subgradient(model, 0), 0);
  model.dispose();
});
