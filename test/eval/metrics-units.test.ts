// Small cases of the metric building blocks; expected numbers come from NumPy 1.24 (np.interp,
// np.trapz, np.convolve) and from YOLOv5 v7.0's matching rules worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interp, linspace, smooth, roundHalfEven } from '../../src/eval/numeric.js';
import { computeAp, ConfusionMatrix, fitness, matchDetections, MetricsAccumulator } from '../../src/eval/metrics.js';

const close = (a: number, b: number, tol = 1e-8) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('interp follows np.interp: tied xp take the last value, left/right outside', () => {
  const y = interp([1, 0.5, -1, 3], [0, 1, 1, 2], [0, 5, 7, 9], -3);
  assert.deepEqual([...y], [7, 2.5, -3, 9]);
  close(interp([0.25], [0, 0.5, 0.5, 1], [1, 2, 3, 4])[0]!, 1.5);
});

test('linspace and smooth match NumPy', () => {
  const px = linspace(0, 1, 1000);
  close(px[1]!, 0.001001001001001001, 1e-15);
  close(px[500]!, 0.5005005005005005, 1e-15);
  assert.equal(px[999], 1);
  const y = Array.from({ length: 30 }, (_, i) => Math.sin(i / 3));
  const s = smooth(y, 0.1); // width 4: NumPy's 'valid' result is one longer
  assert.equal(s.length, 31);
  close(s[0]!, 0.08179867);
  close(s[7]!, 0.77126597);
  close(s[30]!, -0.15682327);
  const c = smooth(Array.from({ length: 1000 }, (_, i) => Math.cos(i / 50)), 0.1);
  assert.equal(c.length, 1000);
  close(c[0]!, 0.91923067);
  close(c[499]!, -0.71251055);
  close(c[999]!, 0.60145399);
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
});

test('computeAp: 101-point interpolation of the precision envelope', () => {
  close(computeAp([1], [1]).ap, 0.995, 1e-12);
  close(computeAp([0.5, 0.5, 1], [1, 0.5, 2 / 3]).ap, 0.8283333333333331, 1e-12);
  close(computeAp([0.25, 0.5, 0.5, 0.75], [1, 1, 2 / 3, 0.75]).ap, 0.78, 1e-12);
});

const label = { boxes: [0, 0, 10, 10], cls: [1] };

test('matching keeps, for a label, the lowest-index candidate after per-detection dedup (val.py process_batch)', () => {
  // det 0 overlaps the label with IoU 0.8, det 1 with IoU 0.9: both pass 0.5, val.py keeps det 0.
  const dets = { boxes: [0, 0, 10, 8, 0, 0, 10, 9], cls: [1, 1], conf: [0.9, 0.8] };
  const c = matchDetections(dets, label, [0.5, 0.85]);
  assert.deepEqual([...c], [1, 0, 0, 1]);
});

test('matching: one detection over two labels goes to the higher IoU; classes must agree', () => {
  const labels = { boxes: [0, 0, 10, 10, 0, 0, 10, 12], cls: [1, 1] };
  const dets = { boxes: [0, 0, 10, 11.5], cls: [1], conf: [0.9] };
  assert.deepEqual([...matchDetections(dets, labels, [0.5])], [1]);
  const other = { boxes: [0, 0, 10, 10], cls: [2], conf: [0.9] };
  assert.deepEqual([...matchDetections(other, label, [0.5])], [0]);
});

test('accumulator: a perfect detector scores AP 0.995 and P = R = 1', () => {
  const acc = new MetricsAccumulator({ nc: 3 });
  acc.add({ boxes: [0, 0, 10, 10, 20, 20, 30, 30], cls: [1, 2], conf: [0.9, 0.7] }, { boxes: [0, 0, 10, 10, 20, 20, 30, 30], cls: [1, 2] });
  acc.add({ boxes: [], cls: [], conf: [] }, { boxes: [], cls: [] });
  const m = acc.compute();
  close(m.precision, 1, 1e-9);
  close(m.recall, 1, 1e-9);
  close(m.map50, 0.995, 1e-12);
  close(m.map, 0.995, 1e-12);
  close(m.fitness, 0.995, 1e-12);
  assert.equal(m.images, 2);
  assert.deepEqual(m.instancesPerClass, [0, 1, 1]);
});

test('accumulator: no true positive gives zeros, like val.py', () => {
  const acc = new MetricsAccumulator({ nc: 2 });
  acc.add({ boxes: [50, 50, 60, 60], cls: [0], conf: [0.9] }, { boxes: [0, 0, 10, 10], cls: [0] });
  const m = acc.compute();
  assert.deepEqual([m.precision, m.recall, m.map50, m.map], [0, 0, 0, 0]);
  assert.deepEqual(m.perClass.map((c) => [c.cls, c.instances, c.map]), [[0, 1, 0]]);
  assert.equal(fitness({ map50: 0.5, map: 0.3 }), 0.1 * 0.5 + 0.9 * 0.3);
});

test('confusion matrix: correct, confused, missed and background predictions', () => {
  const cm = new ConfusionMatrix(2);
  const labels = { boxes: [0, 0, 10, 10, 20, 20, 30, 30, 40, 40, 50, 50], cls: [0, 1, 1] };
  // det 0 finds label 0, det 1 calls label 1 class 0, det 2 hits nothing, det 3 is below conf.
  const dets = { boxes: [0, 0, 10, 10, 20, 20, 30, 30, 70, 70, 80, 80, 40, 40, 50, 50], cls: [0, 0, 1, 1], conf: [0.9, 0.8, 0.7, 0.2] };
  cm.process(dets, labels);
  assert.equal(cm.at(0, 0), 1);
  assert.equal(cm.at(0, 1), 1);
  assert.equal(cm.at(2, 1), 1); // label 2 missed (its detection was under conf)
  assert.equal(cm.at(1, 2), 1); // det 2: background
  cm.processMissed([1]);
  assert.equal(cm.at(2, 1), 2);
  assert.deepEqual(cm.tpFp(), { tp: [1, 0], fp: [1, 1] });
  const n = cm.normalized();
  close(n[0 * 3 + 1]! + n[2 * 3 + 1]!, 1, 1e-6);
});

test('confusion matrix: without any match, unmatched detections are not counted (YOLOv5 v7.0)', () => {
  const cm = new ConfusionMatrix(2);
  cm.process({ boxes: [50, 50, 60, 60], cls: [0], conf: [0.9] }, { boxes: [0, 0, 10, 10], cls: [1] });
  assert.equal(cm.at(2, 1), 1);
  assert.equal(cm.at(0, 2), 0);
});
