// Planning: the original tool's parameter counts (local), its tie rule, and the global scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { prune } from '../../src/prune/index.js';
import { lowestByThreshold, roundedCount } from '../../src/prune/plan.js';
import { buildGraph } from '../../src/prune/graph.js';
import { freshModel } from './helpers.js';

test('the original\'s figures: yolov5s nc=1 0-9 at 0.8 and 0.4, yolov5n nc=1 0-9 at 0.5', () => {
  for (const [cfg, ratio, before, after] of [['yolov5s', 0.8, 7022326, 3056461], ['yolov5s', 0.4, 7022326, 4578517], ['yolov5n', 0.5, 1765270, 1033462]] as const) {
    const model = freshModel(cfg, 1, 3);
    const r = prune({ model, layers: '0-9', ratio });
    assert.equal(r.report.before.params, before, `${cfg} ${ratio}`);
    assert.equal(r.report.after.params, after, `${cfg} ${ratio}`);
    assert.equal(r.model!.store.numParameters(), after);
    assert.equal(model.store.numParameters(), before, 'the input model is untouched');
    T.scope(() => T.noGrad(() => {
      const out = r.model!.eval().forward(T.zeros([1, 3, 64, 64]));
      assert.deepEqual(out.pred!.shape, [1, 3 * (64 + 16 + 4), 6]);
    }));
    r.model!.dispose();
    model.dispose();
  }
});

test('the cut-off rule: k = floor(ratio n), threshold = k-th smallest, ties with it go too', () => {
  assert.deepEqual(lowestByThreshold([5, 1, 4, 2, 3], 0.5), [1, 3]);
  assert.deepEqual(lowestByThreshold([5, 1, 2, 2, 3], 0.5), [1, 2, 3]);
  assert.deepEqual(lowestByThreshold([5, 1, 2, 2, 3], 0.1), []);
  assert.deepEqual(lowestByThreshold([2, 2, 2], 0.7), [0, 1], 'never the last channel');
  // round-to: the rest is the nearest multiple of N (at least N)
  assert.deepEqual([roundedCount(64, 32, 8), roundedCount(64, 29, 8), roundedCount(64, 27, 8), roundedCount(12, 11, 8), roundedCount(6, 3, 8)], [32, 32, 24, 4, 0]);
  assert.equal(lowestByThreshold(Array.from({ length: 64 }, (_, i) => (i * 37) % 64), 0.48, 8).length, 32);
});

test('local, coupled group: the selected conv is scored and the whole group is cut alike', () => {
  const model = freshModel('yolov5n', 1);
  const r = prune({ model, layers: 'model.4.m.1.cv2', ratio: 0.25, dryRun: true });
  assert.equal(r.model, null);
  assert.deepEqual(r.history.steps.map((s) => [s.conv, s.members.length, s.before, s.removed.length]), [['model.4.m.1.cv2', 3, 32, 8]]);
  const ch = new Map(r.report.convs.map((c) => [c.name, c]));
  for (const m of ['model.4.cv1.conv', 'model.4.m.0.cv2.conv', 'model.4.m.1.cv2.conv']) assert.deepEqual(ch.get(m)!.c2, [32, 24]);
  assert.deepEqual(ch.get('model.4.cv3.conv')!.c1, [64, 56]);
  model.dispose();
});

test('global: ratio of all selected channels, max-ratio per group, round-to', () => {
  const model = freshModel('yolov5s', 1);
  const r = prune({ model, layers: '0-9', scope: 'global', ratio: 0.5, maxRatio: 0.75, roundTo: 8, method: 'l2', dryRun: true });
  const graph = buildGraph(model.spec);
  let total = 0;
  let removed = 0;
  for (const s of r.history.steps) {
    const after = s.before - s.removed.length;
    assert.equal(after % 8, 0, `${s.conv}: ${after}`);
    assert.ok(s.removed.length <= Math.floor(0.75 * s.before), s.conv);
    removed += s.removed.length;
  }
  const groups = new Set((r.history.options.selected as string[]).map((c) => graph.groupOf(c)));
  for (const g of groups) total += model.store.get(`${g.members[0]}.conv.weight`)!.size(0);
  const k = Math.floor(0.5 * total);
  // rounding keeps at most 7 extra channels per group
  assert.ok(removed <= k && removed >= k - 7 * groups.size, `${removed} of ${total} removed, target ${k}`);
  assert.ok(r.report.after.params < r.report.before.params);
  model.dispose();
});

test('global with a FLOPs target reaches it (from just above), and the model runs', () => {
  const model = freshModel('yolov5s', 1);
  const r = prune({ model, layers: '0-23', scope: 'global', targetFlops: 0.5 });
  const ratio = r.report.after.gflops / r.report.before.gflops;
  assert.ok(ratio <= 0.5 && ratio > 0.48, `GFLOPs ratio ${ratio}`);
  assert.deepEqual(r.report.notes, []);
  T.scope(() => T.noGrad(() => assert.equal(r.model!.eval().forward(T.zeros([1, 3, 64, 64])).raw.length, 3)));
  r.model!.dispose();
  const out = prune({ model, layers: '0', scope: 'global', targetFlops: 0.1, dryRun: true });
  assert.match(out.report.notes[0]!, /not reachable/);
  model.dispose();
});

test('options are checked', () => {
  const model = freshModel('yolov5n', 1);
  assert.throws(() => prune({ model, layers: '0-9' }), /give a ratio/);
  assert.throws(() => prune({ model, layers: '0-9', ratio: 1 }), /ratio is a fraction/);
  assert.throws(() => prune({ model, layers: '0-9', targetFlops: 0.5 }), /global scope/);
  assert.throws(() => prune({ model, layers: '0-9', ratio: 0.5, method: 'taylor' }), /needs gradients/);
  model.dispose();
});
