// The pruned model in every other command: yolov5n.pt pruned (backbone, 0.5), fine-tuned for two
// epochs on a tiny set, then validated, run by detect, exported to ONNX and run there too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSyntheticDataset } from '../../src/demo/synthetic.js';
import { convertDataset } from '../../src/data/convert.js';
import { runPrune } from '../../src/prune/run.js';
import { train, TRAIN_DEFAULTS } from '../../src/train/train.js';
import { val } from '../../src/eval/run-val.js';
import { predict } from '../../src/infer/predict.js';
import { exportWeightsToOnnx } from '../../src/export/export-file.js';
import { loadCheckpoint } from '../../src/model/checkpoint.js';
import { SHARED } from '../helpers/fruit.js';

test('pruned yolov5n → fine-tune → val, detect, export, detect on ONNX Runtime', async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'yt-pruned-pipeline-'));
  const root = path.join(work, 'data');
  await makeSyntheticDataset({ root, images: 24, size: 128, seed: 5 });
  const data = (await convertDataset(root, { trainval: 0.9, train: 0.75, decode: false })).dataYaml;

  const pruned = await runPrune({
    source: { weights: path.join(SHARED, 'weights/yolov5n.pt') }, prune: { layers: '0-9', ratio: 0.5, method: 'l1', scope: 'local' },
    project: work, name: 'prune',
  }, () => {});
  pruned.result.model?.dispose();
  const prunedFile = path.join(pruned.dir!, 'pruned.safetensors');

  const tuned = await train({ ...TRAIN_DEFAULTS, data, weights: prunedFile, epochs: 2, batchSize: 8, imgSize: 128, workers: 0, noplots: true, project: work, name: 'tune', log: () => {} });
  const best = loadCheckpoint(tuned.best);
  assert.equal(best.model.store.get('model.0.conv.weight')!.shape[0], 8, 'the fine-tuned model keeps the pruned width (16 → 8)');
  assert.equal(best.model.nc, 3);
  best.model.dispose();

  const v = await val({ weights: tuned.best, data, imgSize: 128, batchSize: 8, confThres: 0.001, iouThres: 0.6, maxDet: 300, task: 'val', project: work, name: 'val', existOk: false, noplots: true, log: () => {} });
  assert.ok(v.metrics.images > 0);
  assert.ok(Number.isFinite(v.metrics.map50));

  const source = path.join(root, 'images');
  const pt = await predict({ weights: tuned.best, source, img: 128, confThres: 0.001 });
  assert.equal(pt.skipped.length, 0);
  assert.ok(pt.images.some((im) => im.detections.length > 0));

  const exported = await exportWeightsToOnnx({ weights: tuned.best, img: 128, dynamic: true });
  const onnx = await predict({ weights: exported.file, source, img: 128, confThres: 0.001 });
  assert.equal(onnx.images.length, pt.images.length);
  onnx.images.forEach((im, i) => {
    const ref = pt.images[i]!.detections;
    // at conf 0.001 a box right at the threshold may fall either side; the strongest ones must agree
    assert.ok(Math.abs(im.detections.length - ref.length) <= 2, `${im.path}: ${im.detections.length} vs ${ref.length}`);
    im.detections.slice(0, 10).forEach((d, k) => {
      assert.equal(d.cls, ref[k]!.cls);
      assert.ok(Math.abs(d.conf - ref[k]!.conf) < 1e-3);
      d.box.forEach((v, j) => assert.ok(Math.abs(v - ref[k]!.box[j]!) < 0.5));
    });
  });
});
