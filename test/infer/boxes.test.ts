// scale_boxes (input pixels -> original pixels, clipped) and the normalised label geometry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clipBoxes, scaleBoxes, xyxyToXywhn } from '../../src/infer/boxes.js';
import { roundHalfEven } from '../../src/infer/preprocess.js';

const ref = path.resolve(import.meta.dirname, '../../../shared/reference/yolov5n_coco_320');
const summary = JSON.parse(readFileSync(path.join(ref, 'summary.json'), 'utf8')) as {
  orig_shape_hw: [number, number];
  nms: { dets_input_xyxy_conf_cls: number[][]; dets_orig_xyxy: number[][] };
};

test('scaleBoxes + round gives the reference boxes in original pixels', () => {
  const input = Float32Array.from(summary.nms.dets_input_xyxy_conf_cls.flatMap((r) => r.slice(0, 4)));
  const out = scaleBoxes([320, 320], input, summary.orig_shape_hw);
  assert.deepEqual([...out].map(roundHalfEven), summary.nms.dets_orig_xyxy.flat());
  assert.deepEqual([...input.subarray(0, 2)], [Math.fround(52.3175), Math.fround(118.0837)], 'the input is not modified');
});

test('scaleBoxes for a rect input, with explicit ratio and padding, and clipping', () => {
  // 1080x810 image in a 320x256 input: gain 320/1080, 8 px padding left and right
  const gain = 320 / 1080;
  const box = Float32Array.from([8, 0, 8 + 810 * gain, 320]);
  const a = scaleBoxes([320, 256], box, [1080, 810]);
  [0, 0, 810, 1080].forEach((v, i) => assert.ok(Math.abs(a[i]! - v) < 1e-3, `${a[i]} vs ${v}`));
  const b = scaleBoxes([320, 256], Float32Array.from([18, 10, 28, 20]), [1080, 810], { ratio: 0.5, pad: [8, 0] });
  assert.deepEqual([...b], [20, 20, 40, 40]);
  assert.deepEqual([...clipBoxes(Float32Array.from([-5, -1, 900, 2000]), [1080, 810])], [0, 0, 810, 1080]);
});

test('xyxyToXywhn normalises to the image size', () => {
  assert.deepEqual(xyxyToXywhn([0, 0, 100, 50], 200, 100), [0.25, 0.25, 0.5, 0.5]);
});
