import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { ParamStore } from '../../src/torch/nn/index.js';
import { linearLr, cosineLr, warmupSettings, warmupIterations, roundHalfEven } from '../../src/train/lr.js';
import { ModelEMA } from '../../src/train/ema.js';
import { parameterGroups } from '../../src/train/param-groups.js';
import { loadModelYaml, specFromYaml } from '../../src/model/yaml.js';
import { Yolov5Model } from '../../src/model/build.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const hyp = { lr0: 0.01, momentum: 0.937, warmup_epochs: 3, warmup_momentum: 0.8, warmup_bias_lr: 0.1 };

test('linear and cosine lr factors go from 1 to lrf', () => {
  const lin = linearLr(30, 0.01);
  close(lin(0), 1);
  close(lin(15), 0.505);
  close(lin(30), 0.01);
  const cos = cosineLr(30, 0.01);
  close(cos(0), 1);
  close(cos(15), 0.505);
  close(cos(30), 0.01);
});

test('warm-up ramps bias lr down from 0.1, other lrs up from 0, momentum from 0.8, accumulation up to nbs/bs', () => {
  const lf = linearLr(30, 0.01);
  const nw = warmupIterations(hyp, 13);
  assert.equal(nw, 100);
  const start = warmupSettings(0, nw, 0, hyp, lf, 3, 64, 16);
  assert.equal(start.accumulate, 1);
  close(start.groups[0]!.lr, 0.1);
  close(start.groups[1]!.lr, 0);
  close(start.groups[2]!.momentum, 0.8);
  const mid = warmupSettings(50, nw, 3, hyp, lf, 3, 64, 16);
  assert.equal(mid.accumulate, 2); // interp(50, [0, 100], [1, 4]) = 2.5 -> numpy rounds half to even
  close(mid.groups[1]!.lr, 0.5 * 0.01 * lf(3));
  close(mid.groups[0]!.lr, 0.05 + 0.5 * 0.01 * lf(3));
  close(mid.groups[1]!.momentum, 0.8685);
  const end = warmupSettings(100, nw, 7, hyp, lf, 3, 64, 16);
  assert.equal(end.accumulate, 4);
  close(end.groups[0]!.lr, 0.01 * lf(7));
  assert.equal(roundHalfEven(3.5), 4);
  assert.equal(roundHalfEven(-2.5), -2);
});

test('EMA: decay ramps with updates and averages floating tensors only', () => {
  const make = () => {
    const s = new ParamStore();
    s.addParameter('w', T.tensor([1, 1]));
    s.addBuffer('n', T.full([], 5, { dtype: 'int64' }));
    return s;
  };
  const store = make();
  const shadowStore = make();
  const w = store.get('w')!;
  const ema = new ModelEMA(store, shadowStore);
  T.noGrad(() => w.copy_(T.tensor([3, 5])));
  store.get('n')!.fill_(9);
  ema.update(store);
  const d = 0.9999 * (1 - Math.exp(-1 / 2000));
  const got = ema.shadow.get('w')!.toArray();
  close(got[0]!, d * 1 + (1 - d) * 3, 1e-6);
  close(got[1]!, d * 1 + (1 - d) * 5, 1e-6);
  assert.equal(ema.shadow.get('n')!.item(), 5);
  shadowStore.dispose();
  store.dispose();
});

test('parameter groups as YOLOv5 logs them for yolov5n: 57 BN weights, 60 weights, 60 biases', () => {
  const model = new Yolov5Model(specFromYaml(loadModelYaml('yolov5n')), Array.from({ length: 80 }, (_, i) => `c${i}`));
  const g = parameterGroups(model.store);
  assert.deepEqual([g.bnWeight.length, g.weight.length, g.bias.length], [57, 60, 60]);
  model.dispose();
});
