// ONNX export parity: the exported model on ONNX Runtime gives the libtorch path's outputs
// (numpy.allclose, atol 1e-3, rtol 1e-4) for an official, a trained and a pruned model.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { exportOnnx } from '../../src/export/onnx.js';
import { exportWeightsToOnnx } from '../../src/export/export-file.js';
import { decodeModel } from '../../src/export/onnx-proto.js';
import { LibtorchEngine, OrtEngine, openEngine, type Engine } from '../../src/infer/engines/index.js';
import { loadCheckpoint } from '../../src/model/checkpoint.js';
import type { Yolov5Model } from '../../src/model/build.js';
import { readNpy, allclose } from '../helpers/npy.js';
import { REFERENCE, handPruned, officialModel, trainedCheckpoint } from './models.js';

const ATOL = 1e-3;
const RTOL = 1e-4;
const dir = mkdtempSync(path.join(tmpdir(), 'yt-export-'));
const input = readNpy(path.join(REFERENCE, 'input.npy'));
const images = input.data as Float32Array;
const shape = input.shape as [number, number, number, number];

async function runOnce(engine: Engine, x = images, s = shape) {
  try {
    return await engine.run(x, s);
  } finally {
    await engine.dispose();
  }
}

/** The unfused model's own libtorch forward: the reference for models PyTorch never saw. */
function libtorchPred(model: Yolov5Model, x = images, s = shape): Float32Array {
  model.eval();
  let out: Float32Array = new Float32Array(0);
  T.noGrad(() => T.scope(() => { out = model.forward(T.tensor(x, { shape: s })).pred!.data() as Float32Array; }));
  return out;
}

function assertClose(t: TestContext, got: Float32Array, want: ArrayLike<number>, what: string): number {
  const c = allclose(got, want, ATOL, RTOL);
  t.diagnostic(`${what}: max |diff| ${c.maxAbs.toExponential(2)}`);
  assert.ok(c.ok, `${what}: not allclose (atol ${ATOL}, rtol ${RTOL}); max |diff| ${c.maxAbs}, first bad index ${c.worst}`);
  return c.maxAbs;
}

test('official yolov5n.pt: ONNX Runtime output equals PyTorch det_out.npy', async (t) => {
  const r = await exportWeightsToOnnx({ weights: path.join(REFERENCE, '../../weights/yolov5n.pt'), out: path.join(dir, 'yolov5n.onnx'), img: 320 });
  const ort = await runOnce(await OrtEngine.open(r.file));
  const det = readNpy(path.join(REFERENCE, 'det_out.npy'));
  assert.deepEqual(ort.dims, det.shape);
  assertClose(t, ort.pred, det.data as Float32Array, 'official: onnxruntime vs PyTorch det_out');
  const lt = await runOnce(await openEngine(path.join(REFERENCE, '../../weights/yolov5n.pt')));
  assertClose(t, lt.pred, det.data as Float32Array, 'official: libtorch engine (fused) vs PyTorch det_out');
});

test('trained checkpoint (our .safetensors, weights and BN statistics moved): ONNX Runtime equals libtorch', async (t) => {
  const file = trainedCheckpoint(path.join(dir, 'trained.safetensors'));
  const r = await exportWeightsToOnnx({ weights: file, img: 320 });
  assert.equal(r.file, path.join(dir, 'trained.onnx'));
  const { model } = loadCheckpoint(file);
  const want = libtorchPred(model);
  model.dispose();
  const det = readNpy(path.join(REFERENCE, 'det_out.npy'));
  assert.ok(!allclose(want, det.data as Float32Array, 1e-2, 1e-2).ok, 'the SGD steps should have changed the outputs');
  assertClose(t, (await runOnce(await openEngine(r.file))).pred, want, 'trained: onnxruntime vs libtorch');
});

test('pruned model (layers 0-9 at half width): ONNX Runtime equals libtorch, initializers have the pruned channels', async (t) => {
  const official = officialModel();
  const pruned = handPruned(official);
  official.dispose();
  const want = libtorchPred(pruned);
  const r = exportOnnx(pruned, { img: 320 });
  const file = path.join(dir, 'pruned.onnx');
  writeFileSync(file, r.bytes);
  const inits = new Map(decodeModel(r.bytes).graph.initializer.map((t) => [t.name, t.dims.map(Number)]));
  assert.deepEqual(inits.get('model.0.conv.weight'), [8, 3, 6, 6]);
  assert.deepEqual(inits.get('model.2.m.0.cv1.conv.weight'), [8, 8, 1, 1]);
  assert.deepEqual(inits.get('model.10.conv.weight'), [128, 128, 1, 1]);
  assert.deepEqual(inits.get('model.13.cv1.conv.weight'), [64, 192, 1, 1]);
  assertClose(t, (await runOnce(await OrtEngine.open(file))).pred, want, 'pruned: onnxruntime vs libtorch');
  assertClose(t, (await runOnce(new LibtorchEngine(pruned))).pred, want, 'pruned: libtorch engine vs model.forward');
  pruned.dispose();
});

test('pruned with src/prune (layers 0-9, ratio 0.5, L1): ONNX Runtime equals libtorch', async (t) => {
  const { prune } = await import('../../src/prune/index.js');
  const official = officialModel();
  const pruned = prune({ model: official, layers: '0-9', ratio: 0.5, method: 'l1' }).model!;
  official.dispose();
  const want = libtorchPred(pruned);
  const file = path.join(dir, 'pruned-l1.onnx');
  writeFileSync(file, exportOnnx(pruned, { img: 320 }).bytes);
  assertClose(t, (await runOnce(await OrtEngine.open(file))).pred, want, 'src/prune pruned: onnxruntime vs libtorch');
  pruned.dispose();
});
