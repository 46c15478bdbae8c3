// YOLOv5's non_max_suppression: parity with the reference detections of the real YOLOv5 on bus.jpg,
// and the semantics one by one (thresholds, class-aware vs agnostic, classes, max_det, multi-label).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { nonMaxSuppression, nonMaxSuppressionBatch, detectionRows, type Detections } from '../../src/eval/nms.js';
import { scaleBoxes } from '../../src/infer/boxes.js';
import { readNpy } from '../helpers/npy.js';

const ref = path.resolve(import.meta.dirname, '../../../shared/reference/yolov5n_coco_320');
const summary = JSON.parse(readFileSync(path.join(ref, 'summary.json'), 'utf8')) as {
  orig_shape_hw: [number, number];
  nms: { conf_thres: number; iou_thres: number; dets_input_xyxy_conf_cls: number[][]; dets_orig_xyxy: number[][] };
};

function assertMatchesReference(d: Detections, t: { diagnostic(s: string): void }): void {
  const want = summary.nms.dets_input_xyxy_conf_cls;
  assert.equal(d.count, want.length);
  assert.deepEqual([...d.classes], want.map((r) => r[5]));
  let confDiff = 0;
  d.scores.forEach((s, k) => (confDiff = Math.max(confDiff, Math.abs(s - want[k]![4]!))));
  assert.ok(confDiff <= 0.005, `confidence max |diff| ${confDiff}`);
  const orig = scaleBoxes([320, 320], d.boxes, summary.orig_shape_hw);
  let boxDiff = 0;
  summary.nms.dets_orig_xyxy.flat().forEach((v, i) => (boxDiff = Math.max(boxDiff, Math.abs(orig[i]! - v))));
  assert.ok(boxDiff <= 2, `original-pixel box max |diff| ${boxDiff}`);
  t.diagnostic(`vs reference: conf max |diff| ${confDiff.toExponential(2)}, original-pixel box max |diff| ${boxDiff.toFixed(3)} px (reference boxes are rounded)`);
}

test('NMS on the reference decoded output (det_out.npy) gives summary.json\'s detections', (t) => {
  const det = readNpy(path.join(ref, 'det_out.npy'));
  const [, rows, no] = det.shape as [number, number, number];
  const d = nonMaxSuppression(det.data as Float32Array, rows, no, { confThres: summary.nms.conf_thres, iouThres: summary.nms.iou_thres });
  assertMatchesReference(d, t);
  // in input pixels the boxes are the reference's to its 4 printed decimals
  detectionRows(d).forEach((r, k) => r.slice(0, 4).forEach((v, j) => assert.ok(Math.abs(v - summary.nms.dets_input_xyxy_conf_cls[k]![j]!) < 1e-3)));
});

test('yolov5n.pt on input.npy, then NMS: the reference detections', async (t) => {
  const { loadCheckpoint } = await import('../../src/model/checkpoint.js');
  const before = T.liveTensors();
  const { model } = loadCheckpoint(path.join(ref, '../../weights/yolov5n.pt'));
  model.eval();
  const input = readNpy(path.join(ref, 'input.npy'));
  const [d] = T.scope(() => T.noGrad(() => {
    const pred = model.forward(T.tensor(input.data as Float32Array, { shape: input.shape })).pred!;
    return nonMaxSuppressionBatch(pred, { confThres: 0.25, iouThres: 0.45, maxDet: 1000 });
  }));
  model.dispose();
  assert.equal(T.liveTensors(), before, 'no tensor leaks');
  assertMatchesReference(d!, t);
});

/** Predictions rows [cx, cy, w, h, obj, ...cls] for nc classes. */
function preds(nc: number, rows: { xyxy: [number, number, number, number]; obj: number; cls: Record<number, number> }[]): Float32Array {
  const no = 5 + nc;
  const out = new Float32Array(rows.length * no);
  rows.forEach((r, i) => {
    const [x1, y1, x2, y2] = r.xyxy;
    out.set([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1, r.obj], i * no);
    for (const [c, p] of Object.entries(r.cls)) out[i * no + 5 + Number(c)] = p;
  });
  return out;
}

const nc = 3;
const no = 5 + nc;
// two boxes with IoU 0.81 of different classes, and a third far away
const overlapping = preds(nc, [
  { xyxy: [10, 10, 110, 110], obj: 0.9, cls: { 0: 0.9 } },
  { xyxy: [15, 15, 115, 115], obj: 0.9, cls: { 1: 0.8 } },
  { xyxy: [300, 300, 350, 380], obj: 0.8, cls: { 2: 0.7 } },
]);

test('class-aware NMS keeps overlapping boxes of different classes; agnostic NMS does not', () => {
  const aware = nonMaxSuppression(overlapping, 3, no);
  assert.deepEqual([...aware.classes], [0, 1, 2]);
  const agnostic = nonMaxSuppression(overlapping, 3, no, { agnostic: true });
  assert.deepEqual([...agnostic.classes], [0, 2]);
  assert.ok(Math.abs(agnostic.scores[0]! - 0.81) < 1e-6);
  assert.deepEqual([...agnostic.boxes.subarray(0, 4)], [10, 10, 110, 110]);
});

test('same-class boxes: suppressed above the IoU threshold, kept at or below it', () => {
  const p = preds(nc, [
    { xyxy: [0, 0, 100, 100], obj: 0.9, cls: { 0: 0.9 } },
    { xyxy: [0, 50, 100, 150], obj: 0.8, cls: { 0: 0.9 } }, // IoU 1/3 with the first
  ]);
  assert.equal(nonMaxSuppression(p, 2, no, { iouThres: 0.45 }).count, 2);
  assert.equal(nonMaxSuppression(p, 2, no, { iouThres: 0.3 }).count, 1);
  assert.equal(nonMaxSuppression(p, 2, no, { iouThres: 1 / 3 }).count, 2, 'suppressed only when IoU > threshold');
});

test('objectness is thresholded first, then obj * cls; the best class only unless multiLabel', () => {
  const p = preds(nc, [
    { xyxy: [0, 0, 10, 10], obj: 0.2, cls: { 0: 1 } }, // obj below 0.25: out, although obj*cls = 0.2 is what counts after
    { xyxy: [20, 0, 30, 10], obj: 0.4, cls: { 0: 0.5 } }, // obj passes, conf 0.2: out
    { xyxy: [40, 0, 50, 10], obj: 0.5, cls: { 0: 0.6, 1: 0.9 } }, // conf 0.3 (cls 0) and 0.45 (cls 1)
  ]);
  const single = nonMaxSuppression(p, 3, no);
  assert.deepEqual(detectionRows(single).map((r) => [r[5], +r[4]!.toFixed(4)]), [[1, 0.45]]);
  const multi = nonMaxSuppression(p, 3, no, { multiLabel: true });
  assert.deepEqual(detectionRows(multi).map((r) => [r[5], +r[4]!.toFixed(4)]), [[1, 0.45], [0, 0.3]]);
  assert.equal(nonMaxSuppression(p, 3, no, { confThres: 0.1 }).count, 3);
});

test('the classes filter keeps only the listed classes (before NMS)', () => {
  assert.deepEqual([...nonMaxSuppression(overlapping, 3, no, { classes: [1, 2] }).classes], [1, 2]);
  // agnostic with the filter: class 1 is no longer suppressed by the class-0 box that was filtered out
  assert.deepEqual([...nonMaxSuppression(overlapping, 3, no, { classes: [1], agnostic: true }).classes], [1]);
  assert.equal(nonMaxSuppression(overlapping, 3, no, { classes: [] }).count, 3, 'an empty list filters nothing');
});

test('maxDet keeps the most confident; maxNms caps what enters NMS', () => {
  const rows = Array.from({ length: 50 }, (_, i) => ({ xyxy: [i * 20, 0, i * 20 + 10, 10] as [number, number, number, number], obj: 0.3 + i / 100, cls: { 0: 1 } }));
  const p = preds(nc, rows);
  const d = nonMaxSuppression(p, 50, no, { maxDet: 5 });
  assert.equal(d.count, 5);
  assert.deepEqual([...d.scores].map((s) => +s.toFixed(2)), [0.79, 0.78, 0.77, 0.76, 0.75]);
  assert.equal(nonMaxSuppression(p, 50, no, { maxNms: 7 }).count, 7);
  assert.equal(nonMaxSuppression(p, 50, no, { maxDet: 0 }).count, 0);
});

test('the class offset is max_wh, as in YOLOv5: boxes larger than it can suppress across classes', () => {
  const huge = preds(nc, [
    { xyxy: [0, 0, 100000, 100000], obj: 0.9, cls: { 0: 0.9 } },
    { xyxy: [0, 0, 100000, 100000], obj: 0.9, cls: { 1: 0.8 } },
  ]);
  // offset boxes [0, 100000] and [7680, 107680] overlap with IoU 0.74 > 0.45
  assert.equal(nonMaxSuppression(huge, 2, no).count, 1);
  assert.equal(nonMaxSuppression(huge, 2, no, { maxWh: 1e6 }).count, 2);
});

test('a batch tensor gives one result per image; empty input gives none', () => {
  const batch = new Float32Array(2 * 3 * no);
  batch.set(overlapping, 0);
  batch.set(overlapping, 3 * no);
  const out = T.scope(() => nonMaxSuppressionBatch(T.tensor(batch, { shape: [2, 3, no] })));
  assert.deepEqual(out.map((d) => d.count), [3, 3]);
  assert.equal(nonMaxSuppression(new Float32Array(0), 0, no).count, 0);
  assert.throws(() => nonMaxSuppression(overlapping, 3, no, { confThres: 2 }), /confThres/);
});

test('fast enough for val: 25200 anchors x 80 classes at conf 0.001, multi-label', () => {
  const rows = 25200;
  const n = 85;
  const p = new Float32Array(rows * n);
  let seed = 1;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    p.set([rnd() * 640, rnd() * 640, 10 + rnd() * 200, 10 + rnd() * 200, rnd() * 0.2], o);
    for (let c = 0; c < 80; c++) p[o + 5 + c] = rnd() * 0.1;
  }
  const t0 = performance.now();
  const d = nonMaxSuppression(p, rows, n, { confThres: 0.001, iouThres: 0.6, multiLabel: true, maxDet: 300 });
  const elapsed = performance.now() - t0;
  assert.equal(d.count, 300);
  assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
});
