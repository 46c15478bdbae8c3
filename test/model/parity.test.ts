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

test('the official yolov5n.pt imports to the same model: det_out matches PyTorch', async () => {
  const { loadCheckpoint } = await import('../../src/model/checkpoint.js');
  const { model, source } = loadCheckpoint(path.resolve(ref, '../../weights/yolov5n.pt'));
  assert.equal(source, 'yolov5-pt');
  assert.equal(model.store.numParameters(), 1872157);
  assert.deepEqual(model.stride, [8, 16, 32]);
  assert.equal(model.names[5], 'bus');
  model.eval();
  T.scope(() => T.noGrad(() => {
    const input = readNpy(path.join(ref, 'input.npy'));
    const pred = model.forward(T.tensor(input.data as Float32Array, { shape: input.shape })).pred!;
    const det = readNpy(path.join(ref, 'det_out.npy'));
    const c = allclose(pred.data() as Float32Array, det.data as Float32Array, 1e-4, 1e-4);
    assert.ok(c.ok, `det_out: max |diff| ${c.maxAbs}`);
  }));
  model.dispose();
});

test('our checkpoint format round-trips a model exactly, with training state and extras', async () => {
  const { loadCheckpoint, saveCheckpoint } = await import('../../src/model/checkpoint.js');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const a = referenceModel();
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'yt-ck-')), 'm.safetensors');
  T.scope(() => saveCheckpoint(file, a, { train: { epoch: 3 }, extra: new Map([['optim/x', T.ones([2])]]), info: { note: 'hi' } }));
  const b = loadCheckpoint(file);
  assert.equal(b.source, 'yolotrim');
  assert.deepEqual(b.train, { epoch: 3 });
  assert.deepEqual(b.info, { note: 'hi' });
  assert.deepEqual([...b.extra.keys()], ['optim/x']);
  assert.deepEqual(b.model.spec, a.spec);
  assert.deepEqual(b.model.names, a.names);
  for (const [k, t] of a.store.stateDict()) assert.deepEqual(b.model.store.get(k)!.toArray(), t.toArray(), k);
  for (const t of b.extra.values()) t.dispose();
  a.dispose();
  b.model.dispose();
});

test('the Conv+BN fused model matches PyTorch\'s fused output (atol 2e-3, rtol 1e-3)', async () => {
  const { fuseModel } = await import('../../src/model/fuse.js');
  const model = referenceModel();
  const fused = fuseModel(model);
  assert.ok(![...fused.store.params.keys()].some((k) => k.includes('.bn.')), 'no BN left');
  T.scope(() => T.noGrad(() => {
    const input = readNpy(path.join(ref, 'input.npy'));
    const x = T.tensor(input.data as Float32Array, { shape: input.shape });
    const pred = fused.forward(x).pred!;
    for (const name of ['fused_det_out.npy', 'det_out.npy']) {
      const c = allclose(pred.data() as Float32Array, readNpy(path.join(ref, name)).data as Float32Array, 2e-3, 1e-3);
      assert.ok(c.ok, `${name}: max |diff| ${c.maxAbs}`);
    }
  }));
  fused.dispose();
  model.dispose();
});
