// HSV, mixup, the hyperparameter reader and the seeded generator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, mixSeed } from '../../src/data/rng.js';
import { applyHsvGains, augmentHsv, augmentHypFrom, DEFAULT_AUGMENT_HYP, hsvTables, mixup, newImage } from '../../src/data/augment/index.js';

function pixels(...rgb: number[][]): { data: Uint8Array; width: number; height: number } {
  return { data: Uint8Array.from(rgb.flat()), width: rgb.length, height: 1 };
}

test('HSV: hue gain turns green to cyan; grey stays grey; value gain scales grey', () => {
  const img = pixels([0, 255, 0], [100, 100, 100], [255, 0, 0]);
  applyHsvGains(img, [1.5, 1, 1]); // green H 60 → 90 (cyan); red H 0 → 0; grey has no hue
  assert.deepEqual(Array.from(img.data), [0, 255, 255, 100, 100, 100, 255, 0, 0]);
  const grey = pixels([100, 100, 100], [200, 200, 200]);
  applyHsvGains(grey, [1.2, 1.7, 0.5]);
  assert.deepEqual(Array.from(grey.data), [50, 50, 50, 100, 100, 100]);
  const sat = pixels([200, 100, 100]);
  applyHsvGains(sat, [1, 0, 1]); // no saturation left: grey at the same value
  assert.deepEqual(Array.from(sat.data), [200, 200, 200]);
});

test('HSV: gains of 1 keep colours within rounding; tables as YOLOv5 (hue mod 180, others clipped)', () => {
  const img = newImage(16, 16, 0);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 37) & 255;
  const before = img.data.slice();
  applyHsvGains(img, [1, 1, 1]);
  let worst = 0;
  for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(before[i]! - img.data[i]!));
  assert.ok(worst <= 4, `round trip changed a value by ${worst}`);
  const [h, s, v] = hsvTables([1.5, 2, 0.5]);
  assert.equal(h[130], Math.trunc((130 * 1.5) % 180));
  assert.equal(s[200], 255);
  assert.equal(v[201], 100);
});

test('HSV: draws gains within 1 ± hyp; zero gains leave the image alone', () => {
  const rng = new Rng(3);
  for (let k = 0; k < 50; k++) {
    const g = augmentHsv(newImage(2, 2), DEFAULT_AUGMENT_HYP, rng);
    assert.ok(Math.abs(g[0] - 1) <= 0.015 && Math.abs(g[1] - 1) <= 0.7 && Math.abs(g[2] - 1) <= 0.4);
  }
  const img = pixels([10, 20, 30]);
  augmentHsv(img, { hsv_h: 0, hsv_s: 0, hsv_v: 0 }, rng);
  assert.deepEqual(Array.from(img.data), [10, 20, 30]);
});

test('mixup: a Beta(32, 32) blend of both images, labels of both', () => {
  const a = { image: { data: new Uint8Array(12).fill(200), width: 2, height: 2 }, labels: Float32Array.from([0, 1, 1, 2, 2]) };
  const b = { image: { data: new Uint8Array(12).fill(100), width: 2, height: 2 }, labels: Float32Array.from([1, 0, 0, 1, 1]) };
  const m = mixup(a, b, new Rng(1));
  assert.ok(m.ratio > 0.25 && m.ratio < 0.75);
  assert.equal(m.image.data[0], Math.trunc(200 * m.ratio + 100 * (1 - m.ratio)));
  assert.deepEqual(Array.from(m.labels), [0, 1, 1, 2, 2, 1, 0, 0, 1, 1]);
  assert.throws(() => mixup(a, { ...b, image: newImage(3, 2) }, new Rng(1)), /differ in size/);
});

test('hyp: YOLOv5 names, scratch-low defaults, other keys ignored, bad values named', () => {
  const h = augmentHypFrom({ lr0: 0.01, mosaic: 0.5, degrees: 3 });
  assert.equal(h.mosaic, 0.5);
  assert.equal(h.degrees, 3);
  assert.equal(h.fliplr, 0.5);
  assert.equal(h.hsv_s, 0.7);
  assert.equal(h.translate, 0.1);
  assert.equal(h.scale, 0.5);
  assert.throws(() => augmentHypFrom({ fliplr: 1.5 }), /fliplr.*at most 1/);
  assert.throws(() => augmentHypFrom({ scale: '0.5' }), /hyp scale/);
});

test('Rng: reproducible, seeds mixed, uniform and Beta moments', () => {
  const a = new Rng(42), b = new Rng(42);
  const xs = Array.from({ length: 5 }, () => a.random());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.random()));
  assert.notEqual(new Rng(43).random(), xs[0]);
  assert.notEqual(mixSeed(1, 0, 1), mixSeed(1, 1, 0));
  assert.notEqual(mixSeed(0, 2 ** 33), mixSeed(0, 0));
  const r = new Rng(7);
  let sum = 0, beta = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) sum += r.random();
  for (let i = 0; i < 2000; i++) beta += r.beta(32, 32);
  assert.ok(Math.abs(sum / n - 0.5) < 0.01);
  assert.ok(Math.abs(beta / 2000 - 0.5) < 0.01);
  const perm = r.shuffle([0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...perm].sort(), [0, 1, 2, 3, 4, 5]);
});
