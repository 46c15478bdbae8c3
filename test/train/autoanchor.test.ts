import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anchorMetric, evolveAnchors } from '../../src/train/autoanchor.js';
import { mulberry32 } from '../../src/data/rng.js';

test('best possible recall counts labels with an anchor within anchor_t', () => {
  const wh = Float64Array.from([10, 10, 40, 40, 400, 400]);
  const m = anchorMetric(wh, [[10, 12], [45, 40]], 4);
  assert.ok(Math.abs(m.bpr - 2 / 3) < 1e-12, `bpr ${m.bpr}`);
});

test('evolved anchors fit label sizes that the defaults miss (BPR 1)', () => {
  const rand = mulberry32(1);
  const sizes: number[] = [];
  for (let i = 0; i < 300; i++) {
    const base = [1600, 800, 100][i % 3]!;
    sizes.push(base * (0.9 + 0.2 * rand()), base * 1.5 * (0.9 + 0.2 * rand()));
  }
  const wh = Float64Array.from(sizes);
  const defaults = [[10, 13], [16, 30], [33, 23], [30, 61], [62, 45], [59, 119], [116, 90], [156, 198], [373, 326]];
  assert.ok(anchorMetric(wh, defaults, 4).bpr < 0.98);
  const evolved = evolveAnchors(wh, 9, 4, 0, 200);
  assert.equal(evolved.length, 9);
  assert.equal(anchorMetric(wh, evolved, 4).bpr, 1);
  assert.deepEqual(evolveAnchors(wh, 9, 4, 0, 200), evolved, 'deterministic for a seed');
});
