import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModelYaml, specFromYaml } from '../../src/model/yaml.js';
import { selectConvs, selectableConvs, SelectionError } from '../../src/prune/select.js';

const spec = specFromYaml(loadModelYaml('yolov5s.yaml'), { nc: 1 });
const sel = (layers: string | string[], o: { exclude?: string; deep?: boolean } = {}) => selectConvs(spec, { layers, ...o });

test('block indices select what the original did: Conv → conv, C3 → cv1 cv2 cv3, SPPF → cv1 cv2', () => {
  assert.deepEqual(sel('0-9'), [
    'model.0', 'model.1', 'model.2.cv1', 'model.2.cv2', 'model.2.cv3', 'model.3', 'model.4.cv1', 'model.4.cv2', 'model.4.cv3',
    'model.5', 'model.6.cv1', 'model.6.cv2', 'model.6.cv3', 'model.7', 'model.8.cv1', 'model.8.cv2', 'model.8.cv3', 'model.9.cv1', 'model.9.cv2',
  ]);
  assert.deepEqual(sel('4'), ['model.4.cv1', 'model.4.cv2', 'model.4.cv3']);
  assert.deepEqual(sel('model.4'), sel('4'));
});

test('--deep adds the bottleneck convolutions, in module order (cv1, cv2, cv3, then m.*)', () => {
  assert.deepEqual(sel('2', { deep: true }), ['model.2.cv1', 'model.2.cv2', 'model.2.cv3', 'model.2.m.0.cv1', 'model.2.m.0.cv2']);
  assert.equal(sel('4', { deep: true }).length, 3 + 2 * 2);
});

test('names: the Conv2d or its Conv module; results in module order whatever the input order', () => {
  assert.deepEqual(sel('model.4.cv1.conv,model.3.conv'), ['model.3', 'model.4.cv1']);
  assert.deepEqual(sel(['model.4.m.1.cv2', 'model.3']), ['model.3', 'model.4.m.1.cv2']);
  assert.deepEqual(sel('3 5, 7'), ['model.3', 'model.5', 'model.7']);
});

test('globs: * is one path segment, ** any number', () => {
  assert.deepEqual(sel('model.*.cv2.conv'), ['model.2.cv2', 'model.4.cv2', 'model.6.cv2', 'model.8.cv2', 'model.9.cv2', 'model.13.cv2', 'model.17.cv2', 'model.20.cv2', 'model.23.cv2']);
  assert.equal(sel('model.**.cv2.conv').length, 9 + 11); // + every bottleneck cv2 (1+2+3+1 in the backbone, 4 in the head)
  assert.deepEqual(sel('model.1?.conv'), ['model.10', 'model.14', 'model.18']);
});

test('--exclude takes the same syntax', () => {
  assert.deepEqual(sel('0-9', { exclude: '0-1 model.*.cv3.conv 9' }), [
    'model.2.cv1', 'model.2.cv2', 'model.3', 'model.4.cv1', 'model.4.cv2', 'model.5', 'model.6.cv1', 'model.6.cv2', 'model.7', 'model.8.cv1', 'model.8.cv2',
  ]);
});

test('ranges over Concat/Upsample/Detect skip them; Detect convs are never selectable', () => {
  assert.equal(sel('10-24').length, selectableConvs(spec).filter((c) => c.layer >= 10).length - 4 * 2);
  assert.throws(() => sel('model.24.m.0'), /never pruned/);
  assert.throws(() => sel('24'), /Detect\) has no convolutions/);
  assert.throws(() => sel('11'), /Upsample\) has no convolutions/);
});

test('bad selections are SelectionErrors with the offending token', () => {
  for (const [input, re] of [['30', /layers 0-24/], ['9-2', /low-high/], ['model.4.cv9.conv', /no such convolution/], ['model.*.cv9', /matches no/],
    ['backbone', /expected an index/], ['', /no layers/]] as const) {
    assert.throws(() => sel(input), (e: Error) => e instanceof SelectionError && re.test(e.message), input);
  }
  assert.throws(() => sel('3', { exclude: '3' }), /empty after --exclude/);
});
