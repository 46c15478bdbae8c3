import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import {
  loadSafetensors, parseSafetensors, saveSafetensors, serializeSafetensors, SafetensorsError, type RawEntry,
} from '../../src/torch/safetensors.js';

const REFERENCE = path.resolve(import.meta.dirname, '../../../shared/reference/yolov5n_coco_320/weights.safetensors');

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'yolotrim-st-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

function header(json: unknown): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const out = new Uint8Array(8 + text.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.byteLength), true);
  out.set(text, 8);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}

test('every dtype round-trips through a file: dtype, shape and values', () => {
  withTmp((dir) => T.scope(() => {
    const tensors = new Map<string, T.Tensor>([
      ['f32', T.tensor(new Float32Array([1.5, -2, 3.25, Number.POSITIVE_INFINITY, 1e-30, 7]), { shape: [2, 3] })],
      ['f16', T.tensor([0.5, -1.5, 65504, 6.1e-5], { dtype: 'float16' })],
      ['bf16', T.tensor([1, -2.5, 3e38], { dtype: 'bfloat16' })],
      ['f64', T.tensor(new Float64Array([Math.PI, -1e300]))],
      ['i64', T.tensor(new BigInt64Array([-(2n ** 62n), 0n, 2n ** 62n + 5n]))],
      ['i32', T.tensor(new Int32Array([-(2 ** 31), 7, 2 ** 31 - 1]), { shape: [3, 1] })],
      ['u8', T.tensor(new Uint8Array([0, 128, 255]))],
      ['bool', T.tensor([1, 0, 1, 1], { dtype: 'bool', shape: [2, 2] })],
      ['scalar', T.scalar(42)],
      ['empty', T.zeros([0, 4])],
    ]);
    const file = path.join(dir, 'all.safetensors');
    saveSafetensors(file, tensors, { format: 'pt', note: 'héllo' });
    assert.deepEqual(readdirSync(dir), ['all.safetensors'], 'no temporary file is left behind');
    const back = loadSafetensors(file);
    assert.deepEqual(back.metadata, { format: 'pt', note: 'héllo' });
    assert.deepEqual([...back.tensors.keys()], [...tensors.keys()]);
    for (const [name, t] of tensors) {
      const u = back.tensors.get(name)!;
      assert.equal(u.dtype, t.dtype, name);
      assert.deepEqual(u.shape, t.shape, name);
      assert.deepEqual(u.data(), t.data(), name);
    }
  }));
});

test('serialize/parse work on bytes; a Record also works and the header is 8-byte aligned', () => {
  const entries: Record<string, RawEntry> = {
    b: { dtype: 'U8', shape: [3], bytes: new Uint8Array([1, 2, 3]) },
    a: { dtype: 'I32', shape: [], bytes: new Uint8Array([1, 0, 0, 0]) },
  };
  const bytes = serializeSafetensors(entries);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(n % 8, 0);
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  assert.deepEqual(json, { b: { dtype: 'U8', shape: [3], data_offsets: [0, 3] }, a: { dtype: 'I32', shape: [], data_offsets: [3, 7] } });
  assert.equal(bytes.byteLength, 8 + n + 7);
  const raw = parseSafetensors(bytes);
  assert.deepEqual(raw.metadata, {});
  assert.deepEqual(raw.entries.get('a'), entries.a);
  assert.deepEqual(raw.entries.get('b'), entries.b);
  assert.throws(() => serializeSafetensors({ x: { dtype: 'F32', shape: [2], bytes: new Uint8Array(4) } }), /tensor 'x': 4 bytes given, F32 \[2\] needs 8/);
});

test('reads the reference weights written by Python', () => {
  const raw = parseSafetensors(readFileSync(REFERENCE), REFERENCE);
  assert.equal(raw.entries.size, 349);
  const w = raw.entries.get('model.0.conv.weight')!;
  assert.equal(w.dtype, 'F32');
  assert.deepEqual(w.shape, [16, 3, 6, 6]);
  assert.equal(raw.entries.get('model.0.bn.num_batches_tracked')!.dtype, 'I64');
  assert.deepEqual(raw.entries.get('model.24.anchors')!.shape, [3, 3, 2]);
  T.scope(() => {
    const { tensors } = loadSafetensors(REFERENCE);
    assert.equal(tensors.size, 349);
    const a = tensors.get('model.24.anchors')!;
    assert.deepEqual(a.toArray().slice(0, 6), [1.25, 1.625, 2, 3.75, 4.125, 2.875]);
    assert.deepEqual(tensors.get('model.0.conv.weight')!.shape, [16, 3, 6, 6]);
  });
});

function expectError(bytes: Uint8Array, pattern: RegExp): void {
  withTmp((dir) => {
    const file = path.join(dir, 'bad.safetensors');
    writeFileSync(file, bytes);
    assert.throws(() => loadSafetensors(file), (e: unknown) => {
      assert.ok(e instanceof SafetensorsError, String(e));
      assert.ok(e.message.startsWith(file + ': '), e.message);
      assert.match(e.message, pattern);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  });
}

test('truncated and corrupt files give clear errors naming the file', () => {
  const good = serializeSafetensors({ w: { dtype: 'F32', shape: [4], bytes: new Uint8Array(16) } });
  expectError(good.subarray(0, 5), /truncated: 5 bytes/);
  expectError(good.subarray(0, 20), /truncated: header length \d+ runs past the end/);
  expectError(good.subarray(0, good.byteLength - 3), /out of range .*truncated/);
  const huge = new Uint8Array(good);
  new DataView(huge.buffer).setBigUint64(0, 0xffff_ffff_ffffn, true);
  expectError(huge, /bad header length/);
  const notJson = concat(header({}).subarray(0, 8), new TextEncoder().encode('{"w": [1,'));
  new DataView(notJson.buffer).setBigUint64(0, 9n, true);
  expectError(notJson, /bad header JSON/);
  expectError(concat(header({ w: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }), new Uint8Array(1)), /tensor 'w': unknown dtype "F8"/);
  expectError(concat(header({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }), new Uint8Array(8)), /gap or overlap/);
  expectError(concat(header({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }), new Uint8Array(4)), /needs 8/);
  expectError(concat(header({ __metadata__: { n: 3 } }), new Uint8Array(0)), /__metadata__\['n'\] is not a string/);
  withTmp((dir) => {
    const missing = path.join(dir, 'nope.safetensors');
    assert.throws(() => loadSafetensors(missing), new RegExp(`^SafetensorsError: ${missing}: cannot read`));
  });
});

test('a failed save leaves no file and no temporary behind', () => {
  withTmp((dir) => T.scope(() => {
    const file = path.join(dir, 'missing-folder', 'w.safetensors');
    assert.throws(() => saveSafetensors(file, { w: T.ones([2]) }), /cannot write/);
    assert.equal(existsSync(path.dirname(file)), false);
    assert.deepEqual(readdirSync(dir), []);
  }));
});
