import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setupModel, freezeLayers } from '../../src/train/setup-model.js';

const weights = path.resolve(import.meta.dirname, '../../../shared/weights/yolov5n.pt');

test('from yolov5n.pt to 3 classes: 343/349 items transferred, only Detect outputs re-initialised', () => {
  const lines: string[] = [];
  const { model } = setupModel({ weights }, ['apple', 'banana', 'orange'], (s) => lines.push(s));
  assert.match(lines[0]!, /^Transferred 343\/349 items from .*yolov5n\.pt$/);
  assert.equal(model.nc, 3);
  assert.deepEqual(model.store.get('model.24.m.0.weight')!.shape, [24, 64, 1, 1]);
  assert.equal(model.store.numParameters(), 1767976); // YOLOv5n with nc=3
  model.dispose();
});

test('--freeze 10 freezes the backbone', () => {
  const { model } = setupModel({ cfg: 'yolov5n.yaml' }, ['a'], () => {});
  const frozen = freezeLayers(model, [10]);
  assert.ok(frozen > 0);
  assert.equal(model.store.get('model.9.cv2.conv.weight')!.requiresGrad, false);
  assert.equal(model.store.get('model.10.conv.weight')!.requiresGrad, true);
  model.dispose();
});
