// Forward-pass parity with the real PyTorch YOLOv5 (../shared/reference/yolov5n_coco_320).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { loadSafetensors } from '../../src/torch/safetensors.js';
import { specFromYaml } from '../../src/model/yaml.js';
import { Yolov5Model } from '../../src/model/build.js';
import type { ModelYaml } from '../../src/model/spec.js';
import { readNpy, allclose } from '../helpers/npy.js';

const ref = path.resolve(import.meta.dirname, '../../../shared/reference/yolov5n_coco_320');
const summary = JSON.parse(readFileSync(path.join(ref, 'summary.json'), 'utf8')) as { model: { yaml: ModelYaml; names: string[] } };

function referenceModel(): Yolov5Model {
  const spec = specFromYaml(summary.model.yaml);
  const model = new Yolov5Model(spec, summary.model.names);
  const { tensors } = loadSafetensors(path.join(ref, 'weights.safetensors'));
  const report = model.store.loadStateDict(tensors, { strict: true });
  assert.equal(report.loaded.length, tensors.size);
  for (const t of tensors.values()) t.dispose();
  return model.eval();
}

test('every layer output and the decoded output match PyTorch (fp32, unfused)', () => {
  const model = referenceModel();
  T.scope(() => T.noGrad(() => {
    const input = readNpy(path.join(ref, 'input.npy'));
    const x = T.tensor(input.data as Float32Array, { shape: input.shape });
    const layers = Array.from({ length: 24 }, (_, i) => i);
    const out = model.forward(x, { capture: layers, decode: true });
    for (const i of layers) {
      const expected = readNpy(path.join(ref, `layer_${String(i).padStart(2, '0')}.npy`));
      const got = out.features.get(i)!;
      assert.deepEqual(got.shape, expected.shape, `layer ${i} shape`);
      const c = allclose(got.data() as Float32Array, expected.data as Float32Array, 1e-4, 1e-4);
      assert.ok(c.ok, `layer ${i}: max |diff| ${c.maxAbs}`);
    }
    out.raw.forEach((r, i) => {
      const expected = readNpy(path.join(ref, `raw_p${i}.npy`));
      assert.deepEqual(r.shape, expected.shape);
      const c = allclose(r.data() as Float32Array, expected.data as Float32Array, 1e-4, 1e-4);
      assert.ok(c.ok, `raw_p${i}: max |diff| ${c.maxAbs}`);
    });
    const det = readNpy(path.join(ref, 'det_out.npy'));
    assert.deepEqual(out.pred!.shape, det.shape);
    const c = allclose(out.pred!.data() as Float32Array, det.data as Float32Array, 1e-4, 1e-4);
    assert.ok(c.ok, `det_out: max |diff| ${c.maxAbs}`);
  }));
  model.dispose();
});
