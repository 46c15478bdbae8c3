import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { imageSize, indexImages, isImageFileName, probeImage, stemOf } from '../../src/data/images.js';
import { removeDir, tempDir, writeImage } from './helpers.js';

test('image names and stems: any case, ids with dots', () => {
  assert.ok(isImageFileName('a.JPG') && isImageFileName('a.b.jpeg') && isImageFileName('x.webp'));
  assert.ok(!isImageFileName('a.xml') && !isImageFileName('.jpg') && !isImageFileName('jpg'));
  assert.equal(stemOf('dir/a.b.c.PNG'), 'a.b.c');
});

test('finds an image by id whatever its extension or case', async () => {
  const dir = tempDir();
  try {
    for (const f of ['apple_1.jpg', 'IMG.2024.01.JPG', 'Pear.png', 'dup.jpg', 'dup.png', 'notes.txt']) writeFileSync(path.join(dir, f), '');
    const index = await indexImages(dir);
    assert.equal(index.find('apple_1'), 'apple_1.jpg');
    assert.equal(index.find('IMG.2024.01'), 'IMG.2024.01.JPG');
    assert.equal(index.find('pear'), 'Pear.png'); // case differs: found by the case-folded id
    assert.equal(index.find('notes'), undefined);
    assert.equal(index.find('apple'), undefined);
    assert.deepEqual([...index.ambiguous], [['dup', ['dup.jpg', 'dup.png']]]);
    assert.equal(index.find('dup'), 'dup.jpg');
  } finally {
    removeDir(dir);
  }
});

test('image size honours EXIF orientation; format is read from the data', async () => {
  const dir = tempDir();
  try {
    await writeImage(path.join(dir, 'rotated.jpg'), 40, 30, 'jpeg', 6); // stored 40x30, shown 30x40
    await writeImage(path.join(dir, 'png-named.jpg'), 20, 10, 'png');
    assert.deepEqual(await imageSize(path.join(dir, 'rotated.jpg')), { width: 30, height: 40 });
    assert.deepEqual(await probeImage(path.join(dir, 'png-named.jpg'), { decode: true }), { width: 20, height: 10, format: 'png' });
  } finally {
    removeDir(dir);
  }
});

test('unreadable images fail with a short reason; truncation needs decode', async () => {
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'garbage.jpg'), 'this is not an image');
    await writeImage(path.join(dir, 'full.jpg'), 64, 64);
    const { readFileSync } = await import('node:fs');
    const full = readFileSync(path.join(dir, 'full.jpg'));
    assert.ok(full.length > 2000);
    writeFileSync(path.join(dir, 'cut.jpg'), full.subarray(0, full.length >> 1));
    await assert.rejects(probeImage(path.join(dir, 'garbage.jpg')), /not a readable image/);
    await assert.rejects(probeImage(path.join(dir, 'none.jpg')), /file not found/);
    await probeImage(path.join(dir, 'cut.jpg')); // the header alone is fine
    await assert.rejects(probeImage(path.join(dir, 'cut.jpg'), { decode: true }), /premature end|JPEG/i);
  } finally {
    removeDir(dir);
  }
});
