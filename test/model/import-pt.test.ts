// The YOLOv5 checkpoint importer on the official yolov5n.pt, checked against the tensors real
// PyTorch wrote for it (shared/reference/yolov5n_coco_320/weights.safetensors), and on bad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { parseSafetensors, safeDTypeOf } from '../../src/torch/safetensors.js';
import { crc32, loadYolov5Pt, PtImportError, stateDictToTensors } from '../../src/model/import-pt/index.js';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const PT = path.join(SHARED, 'weights/yolov5n.pt');
const REF = path.join(SHARED, 'reference/yolov5n_coco_320');
const summary = JSON.parse(readFileSync(path.join(REF, 'summary.json'), 'utf8')) as {
  model: { yaml: unknown; stride: number[]; anchors_grid_units: number[][][]; nc: number; names: string[]; params: number };
};

const ck = loadYolov5Pt(PT);

test('yolov5n.pt imports: names, stride, nc, anchors, yaml and source', () => {
  assert.equal(ck.sourceKey, 'model', "this checkpoint's 'ema' is None");
  assert.equal(ck.names.length, 80);
  assert.deepEqual(ck.names, summary.model.names);
  assert.deepEqual(ck.names.slice(0, 3), ['person', 'bicycle', 'car']);
  assert.deepEqual(ck.stride, [8, 16, 32]);
  assert.equal(ck.nc, 80);
  assert.deepEqual(ck.anchors, summary.model.anchors_grid_units);
  assert.deepEqual(ck.yaml, summary.model.yaml);
  assert.equal(ck.meta.epoch, -1);
  const params = [...ck.stateDict].filter(([k]) => !/running_|num_batches|anchors$/.test(k)).reduce((n, [, t]) => n + t.data.length, 0);
  assert.equal(params, summary.model.params);
});

test('yolov5n.pt: state dict names and stored dtypes are those of PyTorch', () => {
  const keys = [...ck.stateDict.keys()];
  assert.equal(keys.length, 349);
  assert.deepEqual(keys.slice(0, 6), [
    'model.0.conv.weight', 'model.0.bn.weight', 'model.0.bn.bias', 'model.0.bn.running_mean', 'model.0.bn.running_var',
    'model.0.bn.num_batches_tracked',
  ]);
  assert.equal(keys.at(-1), 'model.24.m.2.bias');
  const w = ck.stateDict.get('model.0.conv.weight')!;
  assert.equal(w.dtype, 'float16');
  assert.deepEqual(w.shape, [16, 3, 6, 6]);
  assert.ok(w.data instanceof Uint16Array);
  assert.equal(ck.stateDict.get('model.0.bn.num_batches_tracked')!.dtype, 'int64');
  assert.deepEqual(ck.stateDict.get('model.24.anchors')!.shape, [3, 3, 2]);
});

test('yolov5n.pt: the module tree has each module class and its plain attributes', () => {
  assert.equal(ck.moduleTree.get('')!.class, 'models.yolo.Model');
  assert.equal(ck.moduleTree.get('model')!.class, 'torch.nn.modules.container.Sequential');
  const m0 = ck.moduleTree.get('model.0')!;
  assert.equal(m0.class, 'models.common.Conv');
  assert.deepEqual({ i: m0.attrs.i, f: m0.attrs.f, type: m0.attrs.type, np: m0.attrs.np }, { i: 0, f: -1, type: 'models.common.Conv', np: 1760 });
  const conv = ck.moduleTree.get('model.0.conv')!;
  assert.equal(conv.class, 'torch.nn.modules.conv.Conv2d');
  assert.deepEqual([conv.attrs.kernel_size, conv.attrs.stride, conv.attrs.padding, conv.attrs.groups], [[6, 6], [2, 2], [2, 2], 1]);
  const bn = ck.moduleTree.get('model.0.bn')!;
  assert.deepEqual([bn.class, bn.attrs.eps, bn.attrs.momentum], ['torch.nn.modules.batchnorm.BatchNorm2d', 0.001, 0.03]);
  assert.equal(ck.moduleTree.get('model.0.act')!.class, 'torch.nn.modules.activation.SiLU');
  assert.equal(ck.moduleTree.get('model.2')!.class, 'models.common.C3');
  assert.equal(ck.moduleTree.get('model.9')!.class, 'models.common.SPPF');
  assert.equal(ck.moduleTree.get('model.11')!.class, 'torch.nn.modules.upsampling.Upsample');
  assert.deepEqual(ck.moduleTree.get('model.12')!.attrs.f, [-1, 6]);
  const detect = ck.moduleTree.get('model.24')!;
  assert.equal(detect.class, 'models.yolo.Detect');
  assert.deepEqual([detect.attrs.nl, detect.attrs.na, detect.attrs.no, detect.attrs.f, detect.attrs.stride], [3, 3, 85, [17, 20, 23], [8, 16, 32]]);
});

test('yolov5n.pt as float32 equals the reference weights exactly (keys, shapes, values)', () => {
  const ref = parseSafetensors(readFileSync(path.join(REF, 'weights.safetensors')));
  assert.deepEqual([...ck.stateDict.keys()].sort(), [...ref.entries.keys()].sort());
  T.scope(() => {
    const tensors = stateDictToTensors(ck.stateDict);
    for (const [name, r] of ref.entries) {
      const t = tensors.get(name)!;
      assert.deepEqual(t.shape, r.shape, name);
      assert.equal(safeDTypeOf(t.dtype), r.dtype, name);
      const d = t.data();
      assert.ok(Buffer.from(d.buffer, d.byteOffset, d.byteLength).equals(r.bytes), `${name}: values differ`);
    }
  });
});

/** A zip of stored entries, enough to wrap a hand-made data.pkl like torch.save would. */
function storedZip(files: Record<string, Uint8Array>): Uint8Array {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const n = Buffer.from(name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt32LE(crc32(data), 14);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt32LE(crc32(data), 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    local.push(h, n, Buffer.from(data));
    central.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, dir, end]);
}

function expectImportError(dir: string, name: string, bytes: Uint8Array, pattern: RegExp): void {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  assert.throws(() => loadYolov5Pt(file), (e: unknown) => {
    assert.ok(e instanceof PtImportError, String(e));
    assert.ok(e.message.startsWith(`${file}: `), e.message);
    assert.doesNotMatch(e.message, /\n/);
    assert.match(e.message, pattern);
    return true;
  });
}

test('truncated, corrupt, unsafe and non-checkpoint files give one-line errors naming the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yolotrim-pt-'));
  try {
    const pt = readFileSync(PT);
    expectImportError(dir, 'half.pt', pt.subarray(0, pt.length >> 1), /truncated zip archive/);
    expectImportError(dir, 'tail-cut.pt', pt.subarray(0, pt.length - 30), /truncated/);
    expectImportError(dir, 'tiny-cut.pt', pt.subarray(0, 100), /truncated zip archive/);
    const flipped = Buffer.from(pt);
    flipped[200_000] ^= 0xff;
    expectImportError(dir, 'flipped.pt', flipped, /CRC-32 mismatch in entry 'archive\/data\/\d+'/);
    expectImportError(dir, 'empty.pt', new Uint8Array(0), /empty file/);
    expectImportError(dir, 'text.pt', Buffer.from('hello, not a checkpoint\n'), /not a zip archive/);
    expectImportError(dir, 'legacy.pt', Uint8Array.from([0x80, 2, 0x8a, 0x0a]), /legacy \(non-zip\) torch\.save file/);
    expectImportError(dir, 'other.zip', storedZip({ 'a/readme.txt': Buffer.from('hi') }), /not a PyTorch checkpoint/);
    const evil = Buffer.from('\x80\x02cos\nsystem\nX\x0a\x00\x00\x00echo pwnedq\x00\x85R.', 'latin1');
    expectImportError(dir, 'evil.pt', storedZip({ 'archive/data.pkl': evil }), /refusing to load the global 'os\.system'/);
    const notYolo = Buffer.from('\x80\x02}X\x01\x00\x00\x00aK\x01s.', 'latin1');
    expectImportError(dir, 'dict.pt', storedZip({ 'archive/data.pkl': notYolo }), /not a YOLOv5 checkpoint: no 'model' or 'ema' .*\(its keys: a\)/);
    const u = (t: string): string => `X${String.fromCharCode(t.length)}\x00\x00\x00${t}`;
    const loop = `\x80\x02}${u('model')}cmodels.yolo\nModel\n)\x81q\x01}${u('_modules')}ccollections\nOrderedDict\n)R${u('0')}h\x01ssbs.`;
    expectImportError(dir, 'loop.pt', storedZip({ 'archive/data.pkl': Buffer.from(loop, 'latin1') }), /module '0' contains itself/);
    expectImportError(dir, 'weights.safetensors', readFileSync(path.join(REF, 'weights.safetensors')), /not a zip archive/);
    assert.throws(() => loadYolov5Pt(path.join(dir, 'missing.pt')), /missing\.pt: cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importing yolov5n.pt takes well under a second', () => {
  const t0 = performance.now();
  loadYolov5Pt(PT);
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
});
