import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32, readSplit, shuffleInPlace, splitDataset, splitIds } from '../../src/data/split.js';
import { removeDir, tempDir } from './helpers.js';

const ids = Array.from({ length: 300 }, (_, i) => `img_${String(i).padStart(3, '0')}`);

test('mulberry32 is deterministic and uniform enough', () => {
  const a = mulberry32(0);
  const b = mulberry32(0);
  const xs = Array.from({ length: 10000 }, () => a());
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  assert.notEqual(mulberry32(1)(), mulberry32(0)());
});

test('Fisher–Yates keeps every item', () => {
  const xs = shuffleInPlace([...ids], mulberry32(3));
  assert.notDeepEqual(xs, ids);
  assert.deepEqual([...xs].sort(), ids);
});

test('default sizes are the original tool\'s 81/9/10, partitioning the ids', () => {
  const s = splitIds(ids);
  assert.deepEqual([s.trainval.length, s.train.length, s.val.length, s.test.length], [270, 243, 27, 30]);
  assert.deepEqual([...s.train, ...s.val].sort(), s.trainval);
  assert.deepEqual([...s.trainval, ...s.test].sort(), ids);
  assert.deepEqual(s.train, [...s.train].sort());
  // int(n * p), with float noise forgiven: 100 * 0.29 is 28.999999999999996
  assert.equal(splitIds(ids.slice(0, 100), { trainval: 0.29, train: 1 }).trainval.length, 29);
  assert.deepEqual(splitIds(ids.slice(0, 7), { trainval: 0.5, train: 0.5 }).train.length, 1);
});

test('the same seed gives the same split whatever the input order; another seed another', () => {
  const a = splitIds(ids, { seed: 7 });
  const b = splitIds([...ids].reverse(), { seed: 7 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(splitIds(ids, { seed: 8 }).test, a.test);
  assert.throws(() => splitIds(ids, { trainval: 1.5 }), /trainval must be between 0 and 1/);
  assert.throws(() => splitIds(ids, { seed: -1 }), /seed must be an integer/);
});

test('splitDataset writes ImageSets/ and reads back; a user-made list is not replaced', async () => {
  const root = tempDir();
  try {
    mkdirSync(path.join(root, 'Annotations'));
    for (const id of ['a', 'b.v2', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) writeFileSync(path.join(root, 'Annotations', `${id}.xml`), '<annotation/>');
    const r = await splitDataset(root, { seed: 1 });
    assert.equal(r.files.written.length, 4);
    const listed = readFileSync(path.join(root, 'ImageSets/train.txt'), 'utf8').trim().split('\n');
    assert.deepEqual(listed, r.split.train);
    assert.deepEqual([r.split.train.length, r.split.val.length, r.split.test.length], [8, 1, 1]);
    const back = await readSplit(root);
    assert.deepEqual(back?.test, r.split.test);
    // ours: rewritten freely with another seed
    await splitDataset(root, { seed: 2 });
    writeFileSync(path.join(root, 'ImageSets/val.txt'), 'mine\n');
    await assert.rejects(splitDataset(root, { seed: 3 }), /ImageSets\/val.txt exists .* not written by yolotrim .*--overwrite/);
    assert.equal(readFileSync(path.join(root, 'ImageSets/val.txt'), 'utf8'), 'mine\n');
    await splitDataset(root, { seed: 3, overwrite: true });
    assert.notEqual(readFileSync(path.join(root, 'ImageSets/val.txt'), 'utf8'), 'mine\n');
  } finally {
    removeDir(root);
  }
});

test('readSplit also finds VOC\'s ImageSets/Main/, and needs train and val', async () => {
  const root = tempDir();
  try {
    assert.equal(await readSplit(root), undefined);
    mkdirSync(path.join(root, 'ImageSets/Main'), { recursive: true });
    writeFileSync(path.join(root, 'ImageSets/Main/train.txt'), 'a\r\nb.c\n\n');
    assert.equal(await readSplit(root), undefined);
    writeFileSync(path.join(root, 'ImageSets/Main/val.txt'), 'd\n');
    assert.deepEqual(await readSplit(root), { dir: 'ImageSets/Main', train: ['a', 'b.c'], val: ['d'], test: [] });
  } finally {
    removeDir(root);
  }
});
