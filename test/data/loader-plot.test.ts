// train_batch0.jpg-style pictures: the batch's images in a grid with their boxes and class names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import sharp from 'sharp';
import * as T from '../../src/torch/index.js';
import { gridLayout, plotBatch } from '../../src/data/batch-plot.js';
import { removeDir, tempDir } from './helpers.js';

test('grid layout: square-ish, at most maxSubplots, scaled down to maxSize', () => {
  assert.deepEqual(gridLayout(16, 640, 640, 1920, 16), { count: 16, cols: 4, rows: 4, tileW: 480, tileH: 480, scale: 0.75 });
  assert.deepEqual(gridLayout(5, 100, 200, 1920, 16), { count: 5, cols: 3, rows: 2, tileW: 200, tileH: 100, scale: 1 });
  assert.equal(gridLayout(32, 64, 64, 1920, 16).count, 16);
});

test('plotBatch writes a JPEG grid with the boxes drawn over the images', async () => {
  const dir = tempDir('yolotrim-plot-');
  try {
    const images = T.full([3, 3, 100, 100], 0.2);
    const rows = Float32Array.from([0, 0, 0.5, 0.5, 0.4, 0.4, 2, 1, 0.3, 0.3, 0.2, 0.2]);
    const file = path.join(dir, 'sub', 'train_batch0.jpg');
    const size = await plotBatch({ images, targets: { rows, count: 2 }, paths: ['/x/a.jpg', '/x/b.jpg', '/x/c.jpg'] }, file, { names: ['apple', 'banana'] });
    images.dispose();
    assert.deepEqual(size, { width: 200, height: 200 });
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.width, 200);
    const px = (x: number, y: number) => Array.from(data.subarray((y * 200 + x) * 3, (y * 200 + x) * 3 + 3));
    const grey = px(50, 50); // inside image 0, inside its box: the image shows through
    assert.ok(grey.every((v) => Math.abs(v - 51) < 12), `image pixel ${grey}`);
    const edge = px(50, 70); // the bottom edge of image 0's box (y = 0.7 * 100) is drawn in colour
    assert.ok(Math.max(...edge) - Math.min(...edge) > 60, `box edge ${edge}`);
    assert.ok(px(150, 150).every((v) => v > 240), 'the empty cell is white');
  } finally {
    removeDir(dir);
  }
});
