// detect, val and label take --weights model.onnx and run it on ONNX Runtime with the same results
// as the checkpoint on libtorch; a fixed-size export runs at its own size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportOnnx } from '../../src/export/onnx.js';
import { predict } from '../../src/infer/predict.js';
import { autolabel } from '../../src/infer/autolabel.js';
import { val } from '../../src/eval/run-val.js';
import { evaluate } from '../../src/eval/val.js';
import { loadCheckpoint } from '../../src/model/checkpoint.js';
import { createLoader } from '../../src/data/loader.js';
import { loadSplit } from '../../src/data/dataset.js';
import { parseVoc } from '../../src/data/formats/voc.js';
import { fruitDataset, COCO_NAMES } from '../helpers/fruit.js';
import { OFFICIAL_PT, REFERENCE, officialModel } from './models.js';

const dir = mkdtempSync(path.join(tmpdir(), 'yt-onnx-cmd-'));
const dynamic = path.join(dir, 'dynamic.onnx');
const fixed = path.join(dir, 'fixed320.onnx');
{
  const model = officialModel();
  writeFileSync(dynamic, exportOnnx(model, { dynamic: true }).bytes);
  writeFileSync(fixed, exportOnnx(model, { img: 320 }).bytes);
  model.dispose();
}
const bus = path.join(REFERENCE, 'bus.jpg');

function sameDetections(a: Awaited<ReturnType<typeof predict>>, b: Awaited<ReturnType<typeof predict>>): void {
  const da = a.images[0]!.detections, db = b.images[0]!.detections;
  assert.ok(da.length > 0);
  assert.deepEqual(da.map((d) => d.name), db.map((d) => d.name));
  da.forEach((d, k) => {
    assert.ok(Math.abs(d.conf - db[k]!.conf) < 1e-3, `conf ${d.conf} vs ${db[k]!.conf}`);
    d.box.forEach((v, j) => assert.ok(Math.abs(v - db[k]!.box[j]!) < 0.5, `box ${d.box} vs ${db[k]!.box}`));
  });
}

test('predict (detect) with an .onnx: the same detections as the .pt on libtorch', async () => {
  const opts = { source: bus, img: 320, confThres: 0.25, iouThres: 0.45 };
  const [pt, onnx] = [await predict({ ...opts, weights: OFFICIAL_PT }), await predict({ ...opts, weights: dynamic })];
  assert.deepEqual(onnx.imgSize, pt.imgSize);
  assert.deepEqual(onnx.images[0]!.inputShape, pt.images[0]!.inputShape, 'a dynamic export letterboxes like the checkpoint (rect)');
  sameDetections(pt, onnx);
});

test('a fixed-size export runs at its own size, square, whatever --img says', async () => {
  const r = await predict({ source: bus, img: 640, weights: fixed });
  assert.deepEqual(r.imgSize, [320, 320]);
  assert.deepEqual(r.images[0]!.inputShape, [320, 320]);
  const pt = await predict({ source: bus, img: 320, rect: false, weights: OFFICIAL_PT });
  sameDetections(pt, r);
});

test('val with an .onnx: the metrics of the .pt; a fixed-size export is validated square at its size', async () => {
  const data = await fruitDataset(COCO_NAMES);
  const common = { data, imgSize: 320, batchSize: 8, confThres: 0.001, iouThres: 0.6, maxDet: 300, task: 'test' as const, project: dir, existOk: false, noplots: true, log: () => {} };
  const pt = await val({ ...common, weights: OFFICIAL_PT, name: 'pt' });
  const onnx = await val({ ...common, weights: dynamic, name: 'onnx' });
  assert.ok(Math.abs(pt.metrics.map50 - onnx.metrics.map50) < 2e-3, `mAP@0.5 ${pt.metrics.map50} vs ${onnx.metrics.map50}`);
  assert.ok(Math.abs(pt.metrics.map - onnx.metrics.map) < 2e-3, `mAP ${pt.metrics.map} vs ${onnx.metrics.map}`);
  const lines: string[] = [];
  const sq = await val({ ...common, weights: fixed, name: 'fixed', imgSize: 640, log: (s) => lines.push(s) });
  assert.ok(lines.some((l) => /fixed input sizes: validating at batch 1, square 320/.test(l)), lines.join('\n'));
  // the checkpoint validated the same way (square 320, batch 1)
  const { model } = loadCheckpoint(OFFICIAL_PT);
  const loader = await createLoader({ dataset: await loadSplit(data, 'test'), imgSize: 320, batchSize: 1, augment: false, rect: false, workers: 0 });
  const ref = await evaluate(model, loader);
  await loader.close();
  model.dispose();
  assert.ok(Math.abs(sq.metrics.map50 - ref.metrics.map50) < 2e-3, `square ${sq.metrics.map50} vs ${ref.metrics.map50}`);
});

test('label with an .onnx writes the same VOC objects as with the .pt', async () => {
  const images = path.join(dir, 'images');
  mkdirSync(images);
  copyFileSync(bus, path.join(images, 'bus.jpg'));
  const objects = async (weights: string, out: string) => {
    await autolabel({ weights, source: images, out: path.join(dir, out), img: 320, nosave: true });
    return parseVoc(readFileSync(path.join(dir, out, 'bus.xml'), 'utf8')).annotation.objects;
  };
  const [a, b] = [await objects(OFFICIAL_PT, 'ann-pt'), await objects(dynamic, 'ann-onnx')];
  assert.ok(a.length > 0);
  assert.deepEqual(a.map((o) => o.name), b.map((o) => o.name));
  a.forEach((o, k) => {
    for (const key of ['xmin', 'ymin', 'xmax', 'ymax'] as const) assert.ok(Math.abs(o.bndbox[key] - b[k]!.bndbox[key]) <= 1);
  });
});
