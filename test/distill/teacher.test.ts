import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { Teacher } from '../../src/distill/teacher.js';
import { makeDistiller } from '../../src/distill/kd.js';
import { loadCheckpoint } from '../../src/model/checkpoint.js';
import { Yolov5Model } from '../../src/model/build.js';
import { withClassCount } from '../../src/model/spec.js';
import { readNpy, allclose } from '../helpers/npy.js';

const ref = path.resolve(import.meta.dirname, '../../../shared/reference/yolov5n_coco_320');
const weights = path.resolve(ref, '../../weights/yolov5n.pt');

test('the teacher carries its checkpoint\'s weights: its outputs equal the real YOLOv5\'s for that checkpoint', () => {
  const teacher = Teacher.load(weights);
  const detectModel = loadCheckpoint(weights).model.eval();
  T.scope(() => {
    const input = readNpy(path.join(ref, 'input.npy'));
    const x = T.tensor(input.data as Float32Array, { shape: input.shape });
    const { raw } = teacher.run(x);
    raw.forEach((r, i) => {
      assert.equal(r.requiresGrad, false);
      const expected = readNpy(path.join(ref, `raw_p${i}.npy`));
      assert.ok(allclose(r.data() as Float32Array, expected.data as Float32Array, 1e-4, 1e-4).ok, `level ${i}`);
    });
    const viaDetect = T.noGrad(() => detectModel.forward(x).raw);
    raw.forEach((r, i) => assert.deepEqual(r.toArray(), viaDetect[i]!.toArray(), `level ${i} equals the detect path`));
  });
  assert.ok([...teacher.model.store.params.values()].every((p) => !p.requiresGrad));
  detectModel.dispose();
  teacher.dispose();
});

test('a student with other classes is refused with a clear error', () => {
  const teacher = Teacher.load(weights);
  const student = new Yolov5Model(withClassCount(teacher.model.spec, 3), ['a', 'b', 'c']);
  assert.throws(() => teacher.checkCompatible(student), /teacher and student do not match: classes: teacher 80, student 3/);
  student.dispose();
  teacher.dispose();
});

test('feature KD adds adapters only where the student is narrower, and trains them', () => {
  const teacher = Teacher.load(weights);
  const spec = JSON.parse(JSON.stringify(teacher.model.spec));
  // narrow the last C3 (layer 23) output: Detect's third input gets fewer channels
  spec.layers[23].cv3.c2 = 128;
  spec.layers[24].ch[2] = 128;
  const student = new Yolov5Model(spec, teacher.model.names);
  const d = makeDistiller(teacher, student, { mode: 'both', weight: 10, temperature: 1, featureWeight: 1, gains: { box: 0.05, obj: 0.25, cls: 0.5, anchor_t: 4, cls_pw: 1, obj_pw: 1, fl_gamma: 0 } });
  assert.deepEqual([...d.adapters.params.keys()], ['adapter.2.weight', 'adapter.2.bias']);
  assert.deepEqual(d.columns, ['kd/box_loss', 'kd/obj_loss', 'kd/cls_loss', 'kd/feature_loss']);
  T.scope(() => {
    const x = T.rand([1, 3, 64, 64]);
    const out = student.forward(x, { capture: d.capture });
    const r = d.compute(out.raw, out.features, { images: x, targets: { rows: new Float32Array(), count: 0 }, paths: [] });
    assert.equal(r.parts.length, 4);
    assert.ok(r.parts.every((v) => v > 0));
    r.loss.backward();
    assert.ok(d.adapters.get('adapter.2.weight')!.grad !== null);
  });
  d.dispose();
  student.dispose();
  teacher.dispose();
});
