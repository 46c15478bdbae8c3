// The ONNX writer: schema round trip, YOLOv5's metadata, dynamic shapes, batch, opsets, the
// refuse-to-overwrite rule, and the names metadata reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { exportOnnx, checkExportSize, anchorCount } from '../../src/export/onnx.js';
import { exportPath, exportWeightsToOnnx } from '../../src/export/export-file.js';
import { decodeModel, decodeModelHeader } from '../../src/export/onnx-proto.js';
import { irVersionFor } from '../../src/export/onnx-graph.js';
import { gridValues } from '../../src/export/onnx-detect.js';
import { namesToPyDict, parseNamesMetadata, pyStrRepr } from '../../src/export/py-repr.js';
import { OrtEngine, readOnnxMetadata } from '../../src/infer/engines/index.js';
import { allclose } from '../helpers/npy.js';
import { OFFICIAL_PT, officialModel } from './models.js';

const dir = mkdtempSync(path.join(tmpdir(), 'yt-onnx-'));
const model = officialModel().eval();

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

function libtorch(x: Float32Array, shape: number[]): Float32Array {
  let out: Float32Array = new Float32Array(0);
  T.noGrad(() => T.scope(() => { out = model.forward(T.tensor(x, { shape })).pred!.data() as Float32Array; }));
  return out;
}

function randomImages(shape: number[], seed: number): Float32Array {
  T.manualSeed(seed);
  return T.scope(() => T.rand(shape).data() as Float32Array);
}

test('the model file holds YOLOv5\'s graph interface and metadata', () => {
  const r = exportOnnx(model, { img: 320 });
  const m = decodeModel(r.bytes);
  assert.equal(m.ir_version, 8);
  assert.deepEqual(m.opset_import.map((o) => [o.domain ?? '', Number(o.version)]), [['', 17]]);
  assert.equal(m.graph.input[0]!.name, 'images');
  assert.equal(m.graph.output[0]!.name, 'output0');
  const dims = (v: typeof m.graph.input[0]) => v!.type.tensor_type.shape.dim.map((d) => ('dim_value' in d ? Number(d.dim_value) : d.dim_param));
  assert.deepEqual(dims(m.graph.input[0]), [1, 3, 320, 320]);
  assert.deepEqual(dims(m.graph.output[0]), [1, 6300, 85]);
  assert.equal(r.metadata.stride, '32');
  assert.ok(r.metadata.names.startsWith("{0: 'person', 1: 'bicycle', 2: 'car', "), r.metadata.names);
  assert.ok(r.metadata.names.endsWith(", 79: 'toothbrush'}"));
  const header = decodeModelHeader(r.bytes);
  assert.equal(header.metadata.get('stride'), '32');
  assert.equal(header.producerName, 'yolotrim');
  // Conv+BN fused: no BatchNormalization node, no bn tensors
  assert.ok(!m.graph.node.some((n) => n.op_type === 'BatchNormalization'));
  assert.ok(!m.graph.initializer.some((t) => t.name.includes('.bn.')));
  assert.equal(m.graph.node.filter((n) => n.op_type === 'Conv').length, 60);
});

test('--dynamic: any batch and size (non-square) give libtorch\'s outputs', async () => {
  const file = write('dynamic.onnx', exportOnnx(model, { dynamic: true }).bytes);
  const engine = await OrtEngine.open(file);
  assert.equal(engine.inputSize, null);
  assert.equal(engine.batch, null);
  for (const shape of [[2, 3, 256, 320], [1, 3, 128, 96]] as const) {
    const x = randomImages([...shape], 1);
    const out = await engine.run(x, shape);
    assert.deepEqual(out.dims, [shape[0], anchorCount(model, [shape[2], shape[3]]), 85]);
    const c = allclose(out.pred, libtorch(x, [...shape]), 1e-3, 1e-4);
    assert.ok(c.ok, `dynamic ${shape.join('x')}: max |diff| ${c.maxAbs}`);
  }
  await engine.dispose();
});

test('static batch and size: fixed dims, clear errors for other inputs; opset 12 works too', async () => {
  const file = write('b2.onnx', exportOnnx(model, { img: [160, 224], batch: 2, opset: 12 }).bytes);
  assert.equal(decodeModelHeader(readFileSync(file)).irVersion, 7);
  const engine = await OrtEngine.open(file);
  assert.deepEqual(engine.inputSize, [160, 224]);
  assert.equal(engine.batch, 2);
  const x = randomImages([2, 3, 160, 224], 2);
  const out = await engine.run(x, [2, 3, 160, 224]);
  assert.ok(allclose(out.pred, libtorch(x, [2, 3, 160, 224]), 1e-3, 1e-4).ok);
  await assert.rejects(engine.run(x.subarray(0, 3 * 160 * 224), [1, 3, 160, 224]), /batches of 2 only.*--batch 1 or --dynamic/);
  await assert.rejects(engine.run(x, [2, 3, 224, 160]), /160x224 images only.*--img 160 224/);
  await engine.dispose();
});

test('sizes, opsets and batch are checked; sizes round up to the stride as YOLOv5 does', () => {
  assert.deepEqual(checkExportSize(640, 32), [640, 640]);
  assert.deepEqual(checkExportSize([300, 641], 32), [320, 672]);
  assert.throws(() => checkExportSize([0], 32), /positive integers/);
  assert.throws(() => exportOnnx(model, { opset: 9 }), /opset must be an integer from 11 to 22/);
  assert.throws(() => exportOnnx(model, { batch: 0 }), /batch must be a positive integer/);
  assert.deepEqual([11, 12, 13, 17, 18, 19, 21].map(irVersionFor), [6, 7, 7, 8, 8, 9, 10]);
  assert.deepEqual([...gridValues(2, 3)], [-0.5, -0.5, 0.5, -0.5, 1.5, -0.5, -0.5, 0.5, 0.5, 0.5, 1.5, 0.5]);
});

test('the output goes beside the weights, and an existing file is never replaced without overwrite', async () => {
  assert.equal(exportPath('/a/b/best.safetensors'), '/a/b/best.onnx');
  assert.equal(exportPath('w.pt', 'x/m.onnx'), 'x/m.onnx');
  const out = path.join(dir, 'mine.onnx');
  writeFileSync(out, 'precious');
  await assert.rejects(exportWeightsToOnnx({ weights: OFFICIAL_PT, out, img: 64 }), /mine\.onnx already exists; not replacing it\. Pass --overwrite/);
  assert.equal(readFileSync(out, 'utf8'), 'precious');
  await assert.rejects(exportWeightsToOnnx({ weights: OFFICIAL_PT, out: OFFICIAL_PT, overwrite: true }), /is the weights file itself/);
  const r = await exportWeightsToOnnx({ weights: OFFICIAL_PT, out, img: 64, overwrite: true });
  assert.equal(r.file, out);
  assert.deepEqual(r.outputShape, [1, anchorCount(model, [64, 64]), 85]);
  assert.ok(readFileSync(out).length > 7e6);
  assert.ok(!existsSync(`${out}.${process.pid}.tmp`));
});

test('names metadata: Python str of a dict, read back, also from JSON', () => {
  assert.equal(pyStrRepr("it's"), '"it\'s"');
  assert.equal(pyStrRepr('a"b\'c\\'), "'a\"b\\'c\\\\'");
  const names = ['person', "it's", 'say "hi"', 'both \' and "', 'tab\there', 'naïve', 'back\\slash'];
  const text = namesToPyDict(names);
  assert.equal(text.slice(0, 30), "{0: 'person', 1: \"it's\", 2: 's");
  assert.deepEqual(parseNamesMetadata(text), names);
  assert.deepEqual(parseNamesMetadata('["a", "b"]'), ['a', 'b']);
  assert.deepEqual(parseNamesMetadata('{"0": "a", "1": "b"}'), ['a', 'b']);
  assert.deepEqual(parseNamesMetadata('{}'), []);
  assert.throws(() => parseNamesMetadata("{0: 'a', 2: 'c'}"), /0\.\.n-1/);
});

test('the engine reads names and stride from the metadata', async () => {
  const file = write('meta.onnx', exportOnnx(model, { img: 64 }).bytes);
  const meta = readOnnxMetadata(file);
  assert.deepEqual(meta.names, model.names);
  assert.equal(meta.stride, 32);
  model.dispose();
});
