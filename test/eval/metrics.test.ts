// Parity of the metrics with the real YOLOv5 val.py (v7.0): its own saved predictions for the
// fruit test split (../shared/reference/fruit_val_yolov5n) scored against the VOC ground truth
// must give the P, R, mAP@0.5 and mAP@0.5:0.95 of its README table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfusionMatrix, MetricsAccumulator, type DetectionMetrics } from '../../src/eval/metrics.js';
import { readVocGroundTruth, type ImageGroundTruth } from '../helpers/voc-gt.js';

const shared = path.resolve(import.meta.dirname, '../../../shared');
const fruit = path.join(shared, 'datasets/fruit');
const reference = path.join(shared, 'reference/fruit_val_yolov5n');
const COCO_IDS: Record<string, number> = { banana: 46, apple: 47, orange: 49 };

/** The README's table: P, R, mAP@0.5, mAP@0.5:0.95. */
const EXPECTED: Record<number, [number, number, number, number]> = {
  320: [0.782, 0.687, 0.715, 0.444],
  640: [0.563, 0.621, 0.546, 0.339],
};

async function groundTruth(): Promise<ImageGroundTruth[]> {
  const ids = readFileSync(path.join(fruit, 'test-split.txt'), 'utf8').split(/\s+/).filter(Boolean);
  return Promise.all(ids.map((id) => readVocGroundTruth(path.join(fruit, 'Annotations', `${id}.xml`), path.join(fruit, 'images', `${id}.jpg`), COCO_IDS, id)));
}

/** val.py's saved rows `cls cx cy w h conf` (normalised), as pixel xyxy boxes of the original image. */
function predictions(size: number, gt: ImageGroundTruth) {
  const text = readFileSync(path.join(reference, `predictions_${size}`, `${gt.id}.txt`), 'utf8').trim();
  const rows = text === '' ? [] : text.split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const boxes = new Float64Array(rows.length * 4);
  rows.forEach((r, i) => {
    const [, cx, cy, w, h] = r as [number, number, number, number, number, number];
    boxes.set([(cx - w / 2) * gt.width, (cy - h / 2) * gt.height, (cx + w / 2) * gt.width, (cy + h / 2) * gt.height], i * 4);
  });
  return { boxes, cls: rows.map((r) => r[0]!), conf: rows.map((r) => r[5]!) };
}

function evaluate(size: number, gts: ImageGroundTruth[], confusion?: ConfusionMatrix): DetectionMetrics {
  const acc = new MetricsAccumulator({ nc: 80, confusion });
  for (const gt of gts) acc.add(predictions(size, gt), { boxes: gt.boxes, cls: gt.cls });
  return acc.compute();
}

const gtPromise = groundTruth();

test('the fruit test split has 60 images and 117 boxes', async () => {
  const gts = await gtPromise;
  assert.equal(gts.length, 60);
  assert.equal(gts.reduce((s, g) => s + g.cls.length, 0), 117);
  assert.ok(gts.every((g) => g.width > 0 && g.height > 0));
});

for (const size of [320, 640]) {
  test(`P, R, mAP@0.5, mAP@0.5:0.95 equal val.py's at --img ${size}`, async () => {
    const m = evaluate(size, await gtPromise);
    const got = [m.precision, m.recall, m.map50, m.map];
    const want = EXPECTED[size]!;
    ['P', 'R', 'mAP@0.5', 'mAP@0.5:0.95'].forEach((name, i) => {
      assert.ok(Math.abs(got[i]! - want[i]!) <= 0.002, `${name} at ${size}: ${got[i]!.toFixed(4)} vs val.py ${want[i]}`);
    });
    assert.ok(Math.abs(m.fitness - (0.1 * m.map50 + 0.9 * m.map)) < 1e-12);
    assert.equal(m.images, 60);
    assert.deepEqual(m.perClass.map((c) => [c.cls, c.instances]), [[46, 40], [47, 35], [49, 42]]);
    assert.equal(m.instancesPerClass.length, 80);
    assert.equal(m.instancesPerClass.reduce((a, b) => a + b, 0), 117);
  });
}

test('the confusion matrix accounts for every label once', async () => {
  const cm = new ConfusionMatrix(80);
  evaluate(320, await gtPromise, cm);
  let labelled = 0;
  for (let p = 0; p <= 80; p++) for (const t of [46, 47, 49]) labelled += cm.at(p, t);
  assert.equal(labelled, 117);
  const { tp } = cm.tpFp();
  assert.ok(tp[46]! + tp[47]! + tp[49]! > 60, `diagonal ${tp[46]} ${tp[47]} ${tp[49]}`);
});
