import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';

test('tensor round-trips data, shape and dtype', () => {
  T.scope(() => {
    const a = T.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal(a.dtype, 'float32');
    assert.deepEqual(a.toArray(), [1, 2, 3, 4, 5, 6]);
    const i = T.tensor([1, 2, 3], { dtype: 'int64' });
    assert.equal(i.dtype, 'int64');
    assert.deepEqual(i.toArray(), [1, 2, 3]);
    const h = T.tensor([0.5, 1.5], { dtype: 'float16' });
    assert.equal(h.dtype, 'float16');
    assert.deepEqual(h.toArray(), [0.5, 1.5]);
    assert.deepEqual(T.tensor(new Int32Array([7, 8])).toArray(), [7, 8]);
  });
});

test('a shape mismatch throws a TorchError naming the op and the shapes', () => {
  T.scope(() => {
    const a = T.ones([2, 3]);
    const b = T.ones([4, 5]);
    assert.throws(() => a.matmul(b), (e: unknown) => {
      assert.ok(e instanceof T.TorchError);
      assert.equal(e.op, 'matmul');
      assert.deepEqual(e.inputs.map((x) => x.shape), [[2, 3], [4, 5]]);
      assert.match(e.message, /matmul: .*\[2, 3\] float32, \[4, 5\] float32/);
      assert.match(e.stack ?? '', /tensor\.test\.ts/);
      return true;
    });
    assert.throws(() => T.cat([a, b], 0), (e: unknown) => e instanceof T.TorchError && e.op === 'cat');
    assert.throws(() => T.F.conv2d(T.ones([1, 3, 8, 8]), T.ones([4, 2, 3, 3])), (e: unknown) => e instanceof T.TorchError && e.op === 'conv2d');
  });
});

test('bad arguments are rejected before they reach libtorch', () => {
  T.scope(() => {
    const a = T.ones([2, 2]);
    assert.throws(() => a.add(Number.NaN), T.TorchError);
    assert.throws(() => a.sum(0.5), T.TorchError);
    assert.throws(() => T.zeros([2, -3]), T.TorchError);
    assert.throws(() => a.view(3, 3), T.TorchError);
    assert.throws(() => a.select(0, 5), T.TorchError);
  });
});

test('a disposed tensor cannot be used', () => {
  const a = T.ones([2]);
  a.dispose();
  assert.equal(a.isDisposed, true);
  assert.throws(() => a.add(1), /after dispose/);
  a.dispose(); // twice is harmless
});

test('scope disposes what it does not return; keep survives', () => {
  const before = T.liveTensors();
  let kept: T.Tensor | undefined;
  const out = T.scope(() => {
    const a = T.ones([3]);
    const b = a.add(1);
    kept = T.keep(b.mul(2));
    return { result: b.mul(3) };
  });
  assert.equal(T.liveTensors(), before + 2);
  assert.deepEqual(out.result.toArray(), [6, 6, 6]);
  assert.deepEqual(kept!.toArray(), [4, 4, 4]);
  out.result.dispose();
  kept!.dispose();
  assert.equal(T.liveTensors(), before);
});

test('scope disposes everything when fn throws', () => {
  const before = T.liveTensors();
  assert.throws(() => T.scope(() => {
    T.ones([3]);
    throw new Error('boom');
  }), /boom/);
  assert.equal(T.liveTensors(), before);
});

test('noGrad builds no graph and restores the mode', () => {
  T.scope(() => {
    const w = T.ones([2]).requiresGrad_();
    const y = T.noGrad(() => w.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(T.isGradEnabled(), true);
    assert.equal(w.mul(2).requiresGrad, true);
  });
});

test('seeded generators repeat their sequences', () => {
  T.scope(() => {
    const g1 = new T.Generator(42);
    const g2 = new T.Generator(42);
    assert.deepEqual(T.randn([5], { generator: g1 }).toArray(), T.randn([5], { generator: g2 }).toArray());
    T.manualSeed(3);
    const a = T.rand([4]).toArray();
    T.manualSeed(3);
    assert.deepEqual(T.rand([4]).toArray(), a);
    g1.dispose();
    g2.dispose();
  });
});

test('threads default to the available cores', () => {
  assert.ok(T.getNumThreads() >= 1);
  T.setNumThreads(1);
  assert.equal(T.getNumThreads(), 1);
});
