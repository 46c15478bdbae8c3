// yolotrim val of the official yolov5n.pt on the fruit test split vs the real YOLOv5 val.py
// (../shared/reference/fruit_val_yolov5n: 320 → 0.715 / 0.444, 640 → 0.546 / 0.339).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { val } from '../../src/eval/run-val.js';
import { evaluate } from '../../src/eval/val.js';
import { loadCheckpoint } from '../../src/model/checkpoint.js';
import { ComputeLoss, scaleLossHyp } from '../../src/train/loss.js';
import { loadHyp } from '../../src/train/hyp.js';
import { anchorsOf } from '../../src/train/anchors.js';
import { createLoader } from '../../src/data/loader.js';
import { loadSplit } from '../../src/data/dataset.js';
import { fruitDataset, COCO_NAMES, SHARED } from '../helpers/fruit.js';

const reference = { 320: [0.715, 0.444], 640: [0.546, 0.339] } as const;

test('val of yolov5n.pt on the fruit test split is within 0.02 of YOLOv5 at 320 and 640', async () => {
  const data = await fruitDataset(COCO_NAMES);
  const project = mkdtempSync(path.join(tmpdir(), 'yt-val-'));
  for (const img of [320, 640] as const) {
    const r = await val({
      weights: path.join(SHARED, 'weights/yolov5n.pt'), data, imgSize: img, batchSize: 8, confThres: 0.001, iouThres: 0.6, maxDet: 300,
      task: 'test', project, name: `exp${img}`, existOk: false, noplots: img === 640, log: () => {},
    });
    const [map50, map] = reference[img];
    assert.ok(Math.abs(r.metrics.map50 - map50) <= 0.02, `${img}: mAP@0.5 ${r.metrics.map50} vs ${map50}`);
    assert.ok(Math.abs(r.metrics.map - map) <= 0.02, `${img}: mAP@0.5:0.95 ${r.metrics.map} vs ${map}`);
    assert.equal(r.metrics.images, 60);
    assert.equal(r.metrics.instancesPerClass.reduce((a, b) => a + b, 0), 117);
    const json = JSON.parse(readFileSync(path.join(r.runDir, 'metrics.json'), 'utf8')) as { map50: number };
    assert.equal(json.map50, r.metrics.map50);
    if (img === 320) assert.ok(existsSync(path.join(r.runDir, 'PR_curve.png')));
  }
});

test('val losses are means per batch: the same for batch 1 and batch 4 of one repeated image', async () => {
  const data = await fruitDataset(COCO_NAMES);
  const one = await loadSplit(data, 'val');
  const ds = { ...one, images: Array(4).fill(one.images[0]!), labels: Array(4).fill(one.labels[0]!), shapes: Array(4).fill(one.shapes[0]!) };
  const { model } = loadCheckpoint(path.join(SHARED, 'weights/yolov5n.pt'));
  const computeLoss = new ComputeLoss(scaleLossHyp(loadHyp(), model.stride.length, model.nc, 320), model.nc, anchorsOf(model));
  const losses: number[][] = [];
  for (const batchSize of [1, 4]) {
    const loader = await createLoader({ dataset: ds, imgSize: 320, batchSize, augment: false, rect: false, seed: 0, cache: false, workers: 0 });
    try {
      losses.push((await evaluate(model, loader, { computeLoss })).losses);
    } finally {
      await loader.close();
    }
  }
  assert.ok(losses[0]!.every((v) => v > 0));
  losses[0]!.forEach((v, k) => assert.ok(Math.abs(v - losses[1]![k]!) < 1e-5 * Math.max(1, v), `loss ${k}: ${v} vs ${losses[1]![k]}`));
});
