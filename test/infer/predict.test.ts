// The library API end to end: bus.jpg -> decode, letterbox, yolov5n, NMS, scale_boxes. With the square
// 320 input of the reference it gives the real YOLOv5's detections (summary.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { checkImgSize, predict, Predictor, resolveDevice } from '../../src/infer/predict.js';

const ref = path.resolve(import.meta.dirname, '../../../shared/reference/yolov5n_coco_320');
const weights = path.resolve(ref, '../../weights/yolov5n.pt');
const summary = JSON.parse(readFileSync(path.join(ref, 'summary.json'), 'utf8')) as {
  nms: { dets_orig_xyxy: number[][]; dets_input_xyxy_conf_cls: number[][]; names: string[] };
};

test('predict() on bus.jpg with the square 320 letterbox reproduces the reference detections', async (t) => {
  const before = T.liveTensors();
  const r = await predict({ weights, source: path.join(ref, 'bus.jpg'), img: 320, rect: false, fuse: false });
  assert.equal(T.liveTensors(), before, 'no tensor leaks');
  assert.deepEqual(r.imgSize, [320, 320]);
  const [im] = r.images;
  assert.deepEqual([im!.width, im!.height, ...im!.inputShape], [810, 1080, 320, 320]);
  assert.deepEqual(im!.detections.map((d) => d.name), summary.nms.names);
  let boxDiff = 0;
  let confDiff = 0;
  im!.detections.forEach((d, k) => {
    d.box.forEach((v, j) => (boxDiff = Math.max(boxDiff, Math.abs(v - summary.nms.dets_orig_xyxy[k]![j]!))));
    confDiff = Math.max(confDiff, Math.abs(d.conf - summary.nms.dets_input_xyxy_conf_cls[k]![4]!));
  });
  t.diagnostic(`end to end vs reference: box max |diff| ${boxDiff.toFixed(3)} px (reference rounded), conf max |diff| ${confDiff.toExponential(2)}`);
  assert.ok(boxDiff <= 2, `box diff ${boxDiff}`);
  assert.ok(confDiff <= 0.005, `conf diff ${confDiff}`);
});

test('the fused model (detect.py\'s default) with rect input finds the reference objects', async () => {
  const predictor = await Predictor.open({ weights, img: 320 });
  try {
    const r = await predictor.predictImage(path.join(ref, 'bus.jpg'));
    assert.deepEqual(r.inputShape, [320, 256]);
    assert.deepEqual(r.detections.map((d) => d.cls), [0, 5, 0, 0]);
  } finally {
    await predictor.dispose();
  }
});

test('image size rounds up to the stride; devices other than cpu are refused clearly', () => {
  assert.deepEqual(checkImgSize(320), [320, 320]);
  assert.deepEqual(checkImgSize([330]), [352, 352]);
  assert.deepEqual(checkImgSize([480, 641], 32), [480, 672]);
  assert.throws(() => checkImgSize([0]), /positive integers/);
  assert.equal(resolveDevice(''), 'cpu');
  assert.equal(resolveDevice('CPU'), 'cpu');
  assert.throws(() => resolveDevice('0'), /CUDA/);
});
