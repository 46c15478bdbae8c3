// The inference engines: openEngine picks by extension or first bytes, both engines share the
// thread count, report the same names/stride, and refuse inputs they cannot take.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { exportOnnx } from '../../src/export/onnx.js';
import { engineKindFor, openEngine, EngineError, LibtorchEngine, OrtEngine } from '../../src/infer/engines/index.js';
import { OFFICIAL_PT, officialModel } from './models.js';

const dir = mkdtempSync(path.join(tmpdir(), 'yt-engines-'));
const model = officialModel();
const onnx = path.join(dir, 'n.onnx');
writeFileSync(onnx, exportOnnx(model, { img: 64, dynamic: true }).bytes);
model.dispose();

test('openEngine chooses by extension, else by the first bytes', () => {
  assert.equal(engineKindFor(onnx), 'onnxruntime');
  assert.equal(engineKindFor(OFFICIAL_PT), 'libtorch');
  const noExtOnnx = path.join(dir, 'model-a');
  const noExtPt = path.join(dir, 'model-b');
  copyFileSync(onnx, noExtOnnx);
  copyFileSync(OFFICIAL_PT, noExtPt);
  assert.equal(engineKindFor(noExtOnnx), 'onnxruntime');
  assert.equal(engineKindFor(noExtPt), 'libtorch');
  const junk = path.join(dir, 'junk.bin');
  writeFileSync(junk, 'hello world');
  assert.throws(() => engineKindFor(junk), (e: Error) => e instanceof EngineError && /not a model this tool runs/.test(e.message));
  assert.throws(() => engineKindFor(path.join(dir, 'missing.onnx')), /no such file/);
});

test('both engines: same names, stride and threads; same predictions', async () => {
  const before = T.getNumThreads();
  const ort = await openEngine(onnx);
  const lt = await openEngine(OFFICIAL_PT);
  assert.ok(ort instanceof OrtEngine && lt instanceof LibtorchEngine);
  assert.equal(ort.threads, before);
  assert.equal(lt.threads, before);
  assert.deepEqual(ort.names, lt.names);
  assert.equal(ort.names[0], 'person');
  assert.equal(ort.stride, 32);
  assert.equal(lt.stride, 32);
  const shape = [1, 3, 96, 128] as const;
  T.manualSeed(3);
  const x = T.scope(() => T.rand([...shape]).data() as Float32Array);
  const [a, b] = [await ort.run(x, shape), await lt.run(x, shape)];
  const live = T.liveTensors(); // after the first run: Detect caches its grids per size
  await lt.run(x, shape);
  assert.equal(T.liveTensors(), live, 'the libtorch engine leaked tensors');
  assert.deepEqual(a.dims, b.dims);
  let max = 0;
  for (let i = 0; i < a.pred.length; i++) max = Math.max(max, Math.abs(a.pred[i]! - b.pred[i]!));
  assert.ok(max < 1e-3, `max |diff| ${max}`);
  await assert.rejects(lt.run(new Float32Array(3 * 96 * 100), [1, 3, 96, 100]), /not a multiple of the model's stride 32/);
  await assert.rejects(ort.run(x, [1, 3, 96, 64]), /values for an input/);
  await ort.dispose();
  await lt.dispose();
  const two = await OrtEngine.open(onnx, { threads: 1 });
  assert.equal(two.threads, 1);
  await two.dispose();
});

test('an ONNX file without YOLOv5 metadata: an actionable error', async () => {
  const { ModelProto } = await import('../../src/export/onnx-proto.js');
  const { readFileSync } = await import('node:fs');
  const msg = ModelProto.decode(readFileSync(onnx)) as unknown as { metadata_props: unknown[] };
  msg.metadata_props = [];
  const bare = path.join(dir, 'bare.onnx');
  writeFileSync(bare, ModelProto.encode(msg as never).finish());
  await assert.rejects(openEngine(bare), /no 'names'\/'stride' in the model's metadata; export it with `yolotrim export`/);
});
