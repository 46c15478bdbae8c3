// Reading a split's labels once: bad files are reported with file and reason, skipped and counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { loadDataset, loadSplit } from '../../src/data/dataset.js';
import { randomFixtureImages, writeYoloDataset } from '../helpers/yolo-fixture.js';
import { removeDir, tempDir } from './helpers.js';

test('bad label files and unreadable images are skipped, counted, and named with a reason', async () => {
  const root = tempDir('yolotrim-ds-');
  try {
    const yaml = await writeYoloDataset(root, randomFixtureImages(9, 2), ['a', 'b', 'c']);
    const label = (i: number) => path.join(root, 'labels', `img00${i}.txt`);
    writeFileSync(label(0), '0 0.5 0.5 0.2\n'); // 4 values
    writeFileSync(label(1), '7 0.5 0.5 0.2 0.2\n'); // class 7 with nc 3
    writeFileSync(label(2), '0 1.5 0.5 0.2 0.2\n'); // not normalised
    writeFileSync(label(3), '1 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2 0.2\n0 0.2 0.2 0.1 0.1\n'); // a repeated row
    writeFileSync(label(4), ''); // background
    unlinkSync(label(5)); // no label file: background
    writeFileSync(path.join(root, 'images', 'img006.png'), 'not an image');
    writeFileSync(label(7), '0 0.5 0.5 0.2 0.2 0.9\n'); // a prediction with confidence
    const ds = await loadSplit(yaml, 'train');
    assert.deepEqual(ds.counts, { listed: 9, kept: 4, labelled: 2, missingLabels: 1, emptyLabels: 1, skipped: 5, duplicateRows: 1, labels: ds.counts.labels });
    assert.deepEqual(ds.images.map((f) => path.basename(f)), ['img003.jpg', 'img004.png', 'img005.jpg', 'img008.png']);
    assert.deepEqual(Array.from(ds.labels[0]!), Array.from(Float32Array.from([1, 0.5, 0.5, 0.2, 0.2, 0, 0.2, 0.2, 0.1, 0.1])));
    assert.equal(ds.labels[1]!.length, 0);
    const reasons = ds.issues.filter((i) => i.level === 'error').map((i) => `${path.basename(i.file)}: ${i.reason}`);
    assert.equal(reasons.length, 5);
    assert.match(reasons.join('\n'), /img000\.txt: line 1: 4 values/);
    assert.match(reasons.join('\n'), /img001\.txt: label 1: class 7 is not below nc 3; image skipped/);
    assert.match(reasons.join('\n'), /img002\.txt: label 1: cx 1\.5 is outside \[0, 1\]/);
    assert.match(reasons.join('\n'), /img006\.png: .*skipped/);
    assert.match(reasons.join('\n'), /img007\.txt: label 1: 6 values/);
    assert.ok(ds.issues.some((i) => i.level === 'warning' && i.kind === 'duplicate-label'));
    assert.ok(ds.issues.some((i) => i.level === 'warning' && i.kind === 'missing-label'));
  } finally {
    removeDir(root);
  }
});

test('shapes are [height, width]; an empty list gives an empty dataset', async () => {
  const root = tempDir('yolotrim-ds-');
  try {
    await writeYoloDataset(root, [{ name: 'a.png', width: 120, height: 90, boxes: [] }], ['x']);
    const ds = await loadDataset([path.join(root, 'images', 'a.png')], { names: ['x'] });
    assert.deepEqual(ds.shapes, [[90, 120]]);
    assert.equal((await loadDataset([], { names: ['x'] })).images.length, 0);
  } finally {
    removeDir(root);
  }
});
