// Autograd through a small network, in float64: conv2d → batch_norm (training) → silu → conv2d →
// mean. The gradients from backward() must equal central finite differences for every element of
// every parameter. Pure TypeScript: the reference is the network's own forward pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { F, type Tensor } from '../../src/torch/index.js';

const EPS = 1e-6;
const TOL = 1e-6;

interface Param { name: string; shape: number[]; values: Float64Array }

function randomValues(shape: number[], gen: T.Generator, scale: number, offset = 0): Float64Array {
  return T.scope(() => {
    const t = T.randn(shape, { dtype: 'float64', generator: gen }).mul(scale).add(offset);
    return Float64Array.from(t.data() as Float64Array);
  });
}

function makeNet(seed: number): { input: Float64Array; inputShape: number[]; params: Param[] } {
  const gen = new T.Generator(seed);
  const p = (name: string, shape: number[], scale: number, offset = 0): Param => ({ name, shape, values: randomValues(shape, gen, scale, offset) });
  try {
    const inputShape = [2, 2, 5, 5];
    return {
      inputShape,
      input: randomValues(inputShape, gen, 1),
      params: [
        p('conv1.weight', [3, 2, 3, 3], 0.4),
        p('conv1.bias', [3], 0.1),
        p('bn.weight', [3], 0.2, 1),
        p('bn.bias', [3], 0.2),
        p('conv2.weight', [2, 3, 3, 3], 0.4),
        p('conv2.bias', [2], 0.1),
      ],
    };
  } finally {
    gen.dispose();
  }
}

/** The network's scalar output; with trainable=true the parameters require grad. Returns [loss, params]. */
function forward(input: Tensor, params: Param[], trainable: boolean): [Tensor, Tensor[]] {
  const ts = params.map((p) => {
    const t = T.tensor(p.values, { shape: p.shape, dtype: 'float64' });
    return trainable ? t.requiresGrad_() : t;
  });
  const [w1, b1, gamma, beta, w2, b2] = ts;
  const h = F.conv2d(input, w1!, b1!, { padding: 1 });
  const runningMean = T.zeros([3], { dtype: 'float64' });
  const runningVar = T.ones([3], { dtype: 'float64' });
  const n = F.batchNorm(h, { weight: gamma, bias: beta, runningMean, runningVar, training: true, momentum: 0.1, eps: 1e-5 });
  const y = F.conv2d(n.silu(), w2!, b2!, { stride: 2, padding: 1 });
  return [y.mean(), ts];
}

function analyticGrads(input: Tensor, params: Param[]): Float64Array[] {
  return T.scope(() => {
    const [loss, ts] = forward(input, params, true);
    loss.backward();
    return ts.map((t, i) => {
      const g = t.grad;
      assert.ok(g, `${params[i]!.name} has a gradient`);
      assert.equal(g.dtype, 'float64');
      return Float64Array.from(g.data() as Float64Array);
    });
  });
}

function lossAt(input: Tensor, params: Param[]): number {
  return T.scope(() => T.noGrad(() => forward(input, params, false)[0].item()));
}

test('backward through conv → batch_norm(train) → silu → conv → mean equals central differences', () => {
  const before = T.liveTensors();
  const net = makeNet(1234);
  const input = T.tensor(net.input, { shape: net.inputShape, dtype: 'float64' });
  try {
    const analytic = analyticGrads(input, net.params);
    let checked = 0;
    net.params.forEach((p, pi) => {
      const bad: string[] = [];
      for (let j = 0; j < p.values.length; j++) {
        const v = p.values[j]!;
        p.values[j] = v + EPS;
        const up = lossAt(input, net.params);
        p.values[j] = v - EPS;
        const down = lossAt(input, net.params);
        p.values[j] = v;
        const numeric = (up - down) / (2 * EPS);
        const a = analytic[pi]![j]!;
        if (!(Math.abs(a - numeric) <= TOL + TOL * Math.abs(numeric))) bad.push(`[${j}] analytic ${a}, numeric ${numeric}`);
        checked++;
      }
      assert.equal(bad.length, 0, `${p.name}: ${bad.length} of ${p.values.length} differ: ${bad.slice(0, 5).join('; ')}`);
    });
    assert.equal(checked, net.params.reduce((s, p) => s + p.values.length, 0));
    // A meaningful check: the weights' gradients are far from zero.
    for (const i of [0, 2, 4]) {
      const largest = Math.max(...Array.from(analytic[i]!, Math.abs));
      assert.ok(largest > 1e-3, `${net.params[i]!.name}: largest |grad| ${largest}`);
    }
  } finally {
    input.dispose();
  }
  assert.equal(T.liveTensors(), before, 'tensors leaked');
});
