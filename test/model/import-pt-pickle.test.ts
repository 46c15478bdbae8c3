// The safe unpickler and the torch archive reader, against fixtures made by real Python/PyTorch
// (test/golden/pt/make_fixtures.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  loadYolov5Pt, PickleError, PyObject, toJson, UnsafeGlobalError, unpickle, type PtTensor,
} from '../../src/model/import-pt/index.js';

const GOLDEN = path.resolve(import.meta.dirname, '../golden/pt');

interface ExpectedTensor { name: string; dtype: string; shape: number[]; values: number[] }
const expected = JSON.parse(readFileSync(path.join(GOLDEN, 'tiny.json'), 'utf8')) as {
  state_dict: ExpectedTensor[];
  conv: Record<string, unknown>;
  names: string[];
  stride: number[];
  nc: number;
  yaml: unknown;
  meta: Record<string, unknown>;
};

/** Values as the fixture writes them: float16/bfloat16 as raw bits, bool as 0/1, int64 as numbers. */
function valuesOf(t: PtTensor): number[] {
  const d = t.data;
  return d instanceof BigInt64Array ? Array.from(d, Number) : Array.from(d as ArrayLike<number>);
}

for (const file of ['tiny.pt', 'tiny_p4.pt', 'tiny_deflated.pt']) {
  test(`${file}: the state_dict PyTorch gives, from 'ema', with views, dtypes and non-persistent buffers`, () => {
    const ck = loadYolov5Pt(path.join(GOLDEN, file));
    assert.equal(ck.sourceKey, 'ema');
    assert.deepEqual([...ck.stateDict.keys()], expected.state_dict.map((e) => e.name));
    for (const e of expected.state_dict) {
      const t = ck.stateDict.get(e.name)!;
      assert.equal(t.dtype, e.dtype, e.name);
      assert.deepEqual(t.shape, e.shape, e.name);
      assert.deepEqual(valuesOf(t), e.values, e.name);
    }
    assert.equal(ck.stateDict.has('scratch'), false, 'a non-persistent buffer is not in the state dict');
    assert.equal(ck.stateDict.has('nothing'), false, 'a None parameter is not in the state dict');
    assert.deepEqual(ck.names, expected.names);
    assert.deepEqual(ck.stride, expected.stride);
    assert.equal(ck.nc, expected.nc);
    assert.deepEqual(ck.yaml, expected.yaml);
    assert.deepEqual(ck.meta, expected.meta);
    assert.equal(ck.moduleTree.get('')!.class, 'models.common.Tiny');
    const conv = ck.moduleTree.get('model.0')!;
    assert.equal(conv.class, 'torch.nn.modules.conv.Conv2d');
    for (const [k, v] of Object.entries(expected.conv)) assert.deepEqual(conv.attrs[k], v, k);
    assert.equal(ck.moduleTree.get('model.2')!.class, 'torch.nn.modules.activation.SiLU');
  });
}

function expectedData(): unknown {
  const shared = [1, 2];
  return new Map<unknown, unknown>([
    ['small', [0, 1, 255, 256, 65535, 65536, -1, -129, 2 ** 31 - 1, -(2 ** 31)]],
    ['big', [2 ** 40, -(2 ** 40), 2 ** 53 - 1, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 70n]],
    ['floats', [0, -1.5, 1e300, Math.PI]],
    ['text', ['', 'ascii', 'héllo wörld ✓', 'x'.repeat(300)]],
    ['bytes', [new Uint8Array(0), new Uint8Array([0, 1, 255]), Uint8Array.from({ length: 512 }, (_, i) => i % 256)]],
    ['tuple', [1, [2, 3], [4, 5, 6], [7, 8, 9, 10]]],
    ['flags', [true, false, null]],
    ['set', new Set([1, 2, 3])],
    ['frozen', new Set(['a'])],
    ['od', new Map([['b', 1], ['a', 2]])],
    ['intkeys', new Map<unknown, unknown>([[0, 'zero'], [7, 'seven']])],
    ['shared', [shared, shared]],
  ]);
}

for (const proto of [2, 5]) {
  test(`plain Python data pickled with protocol ${proto} comes back as plain JS data`, () => {
    const v = unpickle(readFileSync(path.join(GOLDEN, `data_p${proto}.pkl`))) as Map<string, unknown>;
    assert.deepEqual(v, expectedData());
    const [a, b] = v.get('shared') as unknown[];
    assert.equal(a, b, 'memoised objects stay shared');
  });
}

/** A pickle that, loaded by Python, would call `module.name(arg)`. */
function evilPickle(module: string, name: string, arg: string, stackGlobal = false): Uint8Array {
  const enc = new TextEncoder();
  const str = (s: string): number[] => [0x8c, enc.encode(s).length, ...enc.encode(s)];
  const global = stackGlobal ? [...str(module), ...str(name), 0x93] : [0x63, ...enc.encode(`${module}\n${name}\n`)];
  return Uint8Array.from([0x80, stackGlobal ? 4 : 2, ...global, ...str(arg), 0x85, 0x52, 0x2e]);
}

test('globals outside the allowlist are refused, naming them; nothing is called', () => {
  const cases: [string, string, boolean][] = [
    ['os', 'system', false], ['posix', 'system', false], ['builtins', 'eval', true], ['builtins', 'exec', false],
    ['subprocess', 'Popen', true], ['builtins', 'getattr', false], ['torch', 'load', false], ['models.common', 'Conv.__init__', true],
  ];
  for (const [module, name, stackGlobal] of cases) {
    assert.throws(() => unpickle(evilPickle(module, name, 'echo pwned', stackGlobal)), (e: unknown) => {
      assert.ok(e instanceof UnsafeGlobalError, String(e));
      assert.equal(e.global, `${module}.${name}`);
      assert.match(e.message, new RegExp(`'${module}\\.${name.replace('.', '\\.')}'`));
      return true;
    });
  }
});

test('allowed classes become inert records; REDUCE of a non-global is refused', () => {
  const enc = new TextEncoder();
  // models.common.Conv() then BUILD with {'c': 16}
  const conv = Uint8Array.from([
    0x80, 2, 0x63, ...enc.encode('models.common\nConv\n'), 0x29, 0x81, 0x7d, 0x58, 1, 0, 0, 0, 0x63, 0x4b, 16, 0x73, 0x62, 0x2e,
  ]);
  const rec = unpickle(conv);
  assert.ok(rec instanceof PyObject);
  assert.equal(rec.class, 'models.common.Conv');
  assert.deepEqual(rec.state, new Map([['c', 16]]));
  // (1,) REDUCE with the int 1 as the callable
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x4b, 1, 0x4b, 2, 0x85, 0x52, 0x2e])), /REDUCE of something that is not an allowed global/);
});

test('truncated or corrupt pickles give PickleErrors', () => {
  const good = readFileSync(path.join(GOLDEN, 'data_p5.pkl'));
  assert.throws(() => unpickle(good.subarray(0, good.length - 40)), (e: unknown) => e instanceof PickleError && /truncated/.test(e.message));
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x68, 5, 0x2e])), /memo key 5 was never stored/);
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x2e])), /stack underflow/);
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x82, 1, 0x2e])), /unsupported pickle opcode 0x82 \(EXT1\)/);
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x28, 0x2e])), /unbalanced MARK|stack underflow/);
});

test('self-referencing data and long integers stay cheap and finite', () => {
  const self = unpickle(Uint8Array.from([0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e])) as unknown[];
  assert.equal(self[0], self);
  assert.deepEqual(toJson(self), [null]);
  const n = 100_000;
  const long4 = new Uint8Array(2 + 5 + n + 1);
  long4.set([0x80, 2, 0x8b]);
  new DataView(long4.buffer).setInt32(3, n, true);
  long4[7 + n - 1] = 0x01;
  long4[7 + n] = 0x2e;
  const t0 = performance.now();
  const big = unpickle(long4);
  assert.equal(typeof big, 'bigint');
  assert.equal((big as bigint) >> BigInt(8 * (n - 1)), 1n);
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(unpickle(Uint8Array.from([0x80, 2, 0x8a, 2, 0xff, 0xff, 0x2e])), -1);
});
