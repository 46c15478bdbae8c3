import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { outputKdLoss, cwdLoss } from '../../src/distill/losses.js';

const gains = { box: 0.05, obj: 0.25, cls: 0.5 };

function levels(bs: number, seed: number): T.Tensor[] {
  const g = new T.Generator(seed);
  const one = [[1, 3, 4, 4, 8], [1, 3, 2, 2, 8]].map((s) => T.randn(s, { generator: g }));
  g.dispose();
  return one.map((t) => t.repeat(bs, 1, 1, 1, 1));
}

test('output KD: the same per-image loss for batch 4 and batch 8 of repeated images', () => {
  T.scope(() => {
    const r4 = outputKdLoss(levels(4, 1), levels(4, 2), gains, 3, 10);
    const r8 = outputKdLoss(levels(8, 1), levels(8, 2), gains, 3, 10);
    assert.ok(r4.loss.item() > 0);
    assert.ok(Math.abs(r4.loss.item() / 4 - r8.loss.item() / 8) < 1e-6 * r4.loss.item());
  });
});

test('output KD is zero when the student equals the teacher, and weights positions by teacher objectness', () => {
  T.scope(() => {
    const t = levels(2, 3);
    assert.equal(outputKdLoss(t, t, gains, 3, 10).loss.item(), 0);
    // a difference only where the teacher's objectness is very low barely counts
    const s = t.map((x) => x.clone());
    const tLow = t.map((x) => { const y = x.clone(); y.select(4, 4).fill_(-20); return y; });
    s[0]!.select(4, 0).add_(1);
    const low = outputKdLoss(s, tLow, gains, 3, 1).box;
    const tHigh = t.map((x) => { const y = x.clone(); y.select(4, 4).fill_(20); return y; });
    const sHigh = tHigh.map((x) => x.clone());
    sHigh[0]!.select(4, 0).add_(1);
    const high = outputKdLoss(sHigh, tHigh, gains, 3, 1).box;
    assert.ok(low < 1e-6 * high, `${low} vs ${high}`);
  });
});

test('output KD: gradients reach the student only', () => {
  T.scope(() => {
    const s = levels(2, 4).map((x) => x.requiresGrad_());
    const t = levels(2, 5);
    outputKdLoss(s, t, gains, 3, 10).loss.backward();
    assert.ok(s.every((x) => x.grad !== null));
    assert.ok(t.every((x) => x.grad === null));
  });
});

test('CWD: zero for equal maps, positive otherwise, scale-aware through tau', () => {
  T.scope(() => {
    const a = T.randn([2, 4, 5, 5]);
    assert.ok(Math.abs(cwdLoss(a, a).item()) < 1e-6);
    const b = T.randn([2, 4, 5, 5]);
    assert.ok(cwdLoss(b, a).item() > 0);
    assert.ok(cwdLoss(b, a, 4).item() > 0);
  });
});
