// One equivalence test per graph pattern: channels made to output exactly 0 (conv rows, BN scale and
// shift zeroed in every member of their group, so SiLU(0) = 0 and a residual adds 0 + 0) are pruned,
// and the pruned model's raw Detect outputs equal the unpruned model's within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { buildGraph } from '../../src/prune/graph.js';
import { prune } from '../../src/prune/index.js';
import { HISTORY_FORMAT, type PruneHistory, type PruneStep } from '../../src/prune/history.js';
import { freshModel, maxAbsDiff, randomizeBn, rawOutputs, zeroChannels } from './helpers.js';

/** Zeroes the listed channels of each conv's group, prunes exactly those by replay, compares outputs. */
function checkPattern(t: { diagnostic(s: string): void }, cuts: Record<string, number[]>, expectShapes: Record<string, number[]> = {}, zeroed = cuts): number {
  const model = freshModel('yolov5n', 2);
  randomizeBn(model);
  const graph = buildGraph(model.spec);
  const steps: PruneStep[] = Object.entries(cuts).map(([conv, removed]) => {
    const g = graph.groupOf(conv);
    zeroChannels(model, g.members, zeroed[conv]!);
    return { conv, members: g.members, before: model.store.get(`${conv}.conv.weight`)!.size(0), removed };
  });
  const history: PruneHistory = { format: HISTORY_FORMAT, created: '', options: {}, before: { params: 0, gflops: 0 }, after: { params: 0, gflops: 0 }, steps };
  const x = T.keep(T.rand([1, 3, 96, 128], { generator: new T.Generator(7) }));
  const before = rawOutputs(model, x);
  const { model: pruned } = prune({ model, replay: history });
  try {
    for (const [name, shape] of Object.entries(expectShapes)) assert.deepEqual(pruned!.store.get(name)!.shape, shape, name);
    const removed = steps.reduce((s, st) => s + st.removed.length, 0);
    assert.ok(pruned!.store.numParameters() < model.store.numParameters(), `${removed} channels removed`);
    const diff = maxAbsDiff(before, rawOutputs(pruned!, x));
    t.diagnostic(`max |diff| ${diff.toExponential(2)}`);
    if (zeroed === cuts) assert.ok(diff < 1e-4, `max |diff| ${diff}`);
    return diff;
  } finally {
    pruned?.dispose();
    model.dispose();
    T.unkeep(x).dispose();
  }
}

test('single conv: model.1 → both inputs of C3 2 (cv1, cv2)', (t) => {
  checkPattern(t, { 'model.1': [0, 5, 6, 31] }, {
    'model.1.conv.weight': [28, 16, 3, 3], 'model.1.bn.running_var': [28], 'model.2.cv1.conv.weight': [16, 28, 1, 1], 'model.2.cv2.conv.weight': [16, 28, 1, 1],
  });
});

test('C3 internals: bottleneck cv1 → its cv2; C3.cv2 → the second half of cv3; C3.cv3 → the next conv', (t) => {
  checkPattern(t, { 'model.2.m.0.cv1': [1, 2, 9], 'model.2.cv2': [0, 15], 'model.2.cv3': [3, 4, 30] }, {
    'model.2.m.0.cv1.conv.weight': [13, 16, 1, 1], 'model.2.m.0.cv2.conv.weight': [16, 13, 3, 3],
    'model.2.cv3.conv.weight': [29, 30, 1, 1], 'model.3.conv.weight': [64, 29, 3, 3],
  });
});

test('residual-coupled: C3.cv1 and every bottleneck cv2 lose the same channels', (t) => {
  checkPattern(t, { 'model.4.cv1': [0, 7, 8, 20, 31] }, {
    'model.4.cv1.conv.weight': [27, 64, 1, 1], 'model.4.m.0.cv2.conv.weight': [27, 32, 3, 3], 'model.4.m.1.cv2.conv.weight': [27, 32, 3, 3],
    'model.4.m.0.cv1.conv.weight': [32, 27, 1, 1], 'model.4.m.1.cv1.conv.weight': [32, 27, 1, 1], 'model.4.cv3.conv.weight': [64, 59, 1, 1],
  });
});

test('concat inputs: C3 6 feeds model.7 and, through Concat 12, C3 13 at an offset', (t) => {
  checkPattern(t, { 'model.6.cv3': [2, 50, 127] }, {
    'model.7.conv.weight': [256, 125, 3, 3], 'model.13.cv1.conv.weight': [64, 253, 1, 1], 'model.13.cv2.conv.weight': [64, 253, 1, 1],
  });
});

test('SPPF: cv1 read four times by cv2 (through the pools); cv2 → model.10', (t) => {
  checkPattern(t, { 'model.9.cv1': [0, 1, 64, 127], 'model.9.cv2': [10, 11] }, {
    'model.9.cv2.conv.weight': [254, 496, 1, 1], 'model.10.conv.weight': [128, 254, 1, 1],
  });
});

test('neck through Upsample: model.10 → Upsample → Concat 12 and Concat 22; model.14 → Concat 16 and 19', (t) => {
  checkPattern(t, { 'model.10': [0, 99, 127], 'model.14': [5, 6] }, {
    'model.13.cv1.conv.weight': [64, 253, 1, 1], 'model.23.cv1.conv.weight': [128, 253, 1, 1],
    'model.17.cv1.conv.weight': [32, 126, 1, 1], 'model.20.cv1.conv.weight': [64, 126, 1, 1],
  });
});

test('convs feeding Detect: the three C3 outputs lose channels, Detect\'s inputs follow, its outputs stay', (t) => {
  checkPattern(t, { 'model.17.cv3': [0, 63], 'model.20.cv3': [4, 5, 6], 'model.23.cv3': [100] }, {
    'model.24.m.0.weight': [21, 62, 1, 1], 'model.24.m.1.weight': [21, 125, 1, 1], 'model.24.m.2.weight': [21, 255, 1, 1],
    'model.18.conv.weight': [64, 62, 3, 3], 'model.21.conv.weight': [128, 125, 3, 3],
  });
});

test('local l1 planning picks exactly the zeroed filters, and the outputs stay the same', (t) => {
  const model = freshModel('yolov5n', 1);
  randomizeBn(model);
  zeroChannels(model, ['model.3'], [1, 2, 3, 4, 5, 6]);
  zeroChannels(model, ['model.5'], [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
  const x = T.keep(T.rand([1, 3, 64, 64]));
  const before = rawOutputs(model, x);
  const r = prune({ model, layers: ['model.3.conv', 'model.5.conv'], ratio: 0.1 });
  assert.deepEqual(r.history.steps.map((s) => s.removed), [[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]]);
  const diff = maxAbsDiff(before, rawOutputs(r.model!, x));
  t.diagnostic(`max |diff| ${diff.toExponential(2)}`);
  assert.ok(diff < 1e-4);
  r.model!.dispose();
  model.dispose();
  T.unkeep(x).dispose();
});

test('control: pruning other channels than the zeroed ones changes the outputs (the tests can fail)', (t) => {
  const diff = checkPattern(t, { 'model.4.cv1': [0, 7, 8] }, {}, { 'model.4.cv1': [1, 7, 8] });
  assert.ok(diff > 1e-4, `max |diff| ${diff}`);
  const partial = checkPattern(t, { 'model.4.cv1': [0, 7, 8] }, {}, { 'model.4.cv1': [0, 7, 8] });
  assert.ok(partial < 1e-4);
});
