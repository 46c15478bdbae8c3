import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { ParamStore, Conv2d, BatchNorm2d } from '../../src/torch/nn/index.js';
import { SGD } from '../../src/torch/optim/index.js';

function smallNet(store: ParamStore) {
  const root = store.root().sub('model');
  const c1 = new Conv2d(root.sub(0).sub('conv'), { inChannels: 3, outChannels: 8, kernel: 3, padding: 1, bias: false });
  const b1 = new BatchNorm2d(root.sub(0).sub('bn'), { numFeatures: 8, eps: 1e-3, momentum: 0.03 });
  const c2 = new Conv2d(root.sub(1), { inChannels: 8, outChannels: 4, kernel: 1 });
  return (x: T.Tensor) => c2.forward(b1.forward(c1.forward(x)).silu());
}

test('parameters and buffers carry checkpoint-style dotted names', () => {
  const store = new ParamStore();
  smallNet(store);
  assert.deepEqual([...store.params.keys()], ['model.0.conv.weight', 'model.0.bn.weight', 'model.0.bn.bias', 'model.1.weight', 'model.1.bias']);
  assert.deepEqual([...store.buffers.keys()], ['model.0.bn.running_mean', 'model.0.bn.running_var', 'model.0.bn.num_batches_tracked']);
  assert.equal(store.numParameters(), 8 * 3 * 9 + 8 + 8 + 4 * 8 + 4);
  store.dispose();
});

test('Conv2d initialises as PyTorch: U(-1/sqrt(fan_in), 1/sqrt(fan_in))', () => {
  const store = new ParamStore();
  T.manualSeed(0);
  const conv = new Conv2d(store.root(), { inChannels: 16, outChannels: 64, kernel: 3 });
  const bound = 1 / Math.sqrt(16 * 9);
  const w = conv.weight.toArray();
  assert.ok(w.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...w) > 0.95 * bound && Math.min(...w) < -0.95 * bound);
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  assert.ok(Math.abs(mean) < 0.05 * bound);
  assert.ok(conv.bias!.toArray().every((v) => Math.abs(v) <= bound));
  store.dispose();
});

test('BatchNorm2d updates running stats in training mode only', () => {
  const store = new ParamStore();
  const bn = new BatchNorm2d(store.root(), { numFeatures: 2, momentum: 0.5 });
  T.scope(() => {
    const x = T.tensor([1, 3, 10, 30], { shape: [2, 2, 1, 1] });
    bn.forward(x);
    // batch means per channel: (1+10)/2 = 5.5, (3+30)/2 = 16.5; running = 0.5*0 + 0.5*mean
    assert.deepEqual(bn.runningMean.toArray(), [2.75, 8.25]);
    assert.equal(bn.numBatchesTracked.item(), 1);
    store.eval();
    bn.forward(x);
    assert.deepEqual(bn.runningMean.toArray(), [2.75, 8.25]);
    assert.equal(bn.numBatchesTracked.item(), 1);
  });
  store.dispose();
});

test('loadStateDict reports missing, unexpected and mismatched tensors', () => {
  const a = new ParamStore();
  smallNet(a);
  const b = new ParamStore();
  smallNet(b);
  T.scope(() => {
    const src = new Map(a.stateDict());
    src.delete('model.1.bias');
    src.set('extra', T.ones([1]));
    src.set('model.1.weight', T.ones([5, 8, 1, 1]));
    const report = b.loadStateDict(src);
    assert.deepEqual(report.missing, ['model.1.bias']);
    assert.deepEqual(report.unexpected, ['extra']);
    assert.equal(report.mismatched[0]!.name, 'model.1.weight');
    assert.deepEqual(b.get('model.0.conv.weight')!.toArray(), a.get('model.0.conv.weight')!.toArray());
    assert.throws(() => b.loadStateDict(src, { strict: true }), /missing model\.1\.bias/);
  });
  a.dispose();
  b.dispose();
});

test('100 training steps of a small conv net leave the live-tensor count unchanged', () => {
  const store = new ParamStore();
  const net = smallNet(store);
  const params = [...store.params].map(([name, tensor]) => ({ name, tensor }));
  const opt = new SGD([{ params }], { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const x = T.keep(T.randn([2, 3, 16, 16]));
  const target = T.keep(T.randn([2, 4, 16, 16]));
  const step = () => T.scope(() => {
    opt.zeroGrad();
    const loss = T.F.mseLoss(net(x), target);
    loss.backward();
    opt.step();
    return loss.item();
  });
  const first = step(); // creates the optimizer's momentum buffers
  const before = T.liveTensors();
  let last = first;
  for (let i = 0; i < 100; i++) last = step();
  assert.equal(T.liveTensors(), before);
  assert.ok(last < first, `loss went down: ${first} -> ${last}`);
  opt.dispose();
  store.dispose();
  T.unkeep(x).dispose();
  T.unkeep(target).dispose();
});
