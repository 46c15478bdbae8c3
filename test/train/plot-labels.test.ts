// labels.jpg (YOLOv5's plot_labels): the counts behind it, and the picture itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { histogram2d, labelStats, plotLabels } from '../../src/train/plot-labels.js';

const labels = [
  new Float32Array([0, 0.5, 0.5, 0.2, 0.4, 2, 0.1, 0.9, 0.05, 0.05]),
  new Float32Array(0), // a background image
  new Float32Array([2, 0.99, 0.01, 1, 1]),
];

test('label statistics: instances per class (an unused class counts 0) and every box once', () => {
  const s = labelStats(labels, 4);
  assert.deepEqual(s.instances, [1, 0, 2, 0]);
  assert.equal(s.boxes.length, 15);
  assert.deepEqual(Array.from(s.boxes.slice(10)), [2, 0.9900000095367432, 0.009999999776482582, 1, 1]);
});

test('2-D histogram: cells of [0, 1]², edges clamped into the last cell', () => {
  const h = histogram2d([0, 0.5, 1, 0.99], [0, 0.5, 1, 0.01], 2);
  assert.deepEqual(h, [1, 1, 0, 2]); // (0,0) | (0.99,0.01) ; (0.5,0.5) and (1,1) in the top-right cell
});

test('labels.jpg is a JPEG with the class colours drawn', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yt-labels-'));
  try {
    const file = await plotLabels(labels, ['apple', 'banana', 'orange', 'kiwi'], dir);
    assert.equal(path.basename(file), 'labels.jpg');
    const meta = await sharp(file).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1440, 1440]);
    // the tallest bar (orange, class 2: green #2ca02c) reaches near the top of the first panel
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    let green = 0;
    for (let y = 40; y < 200; y++) {
      for (let x = 140; x < 700; x++) {
        const k = (y * info.width + x) * info.channels;
        if (Math.abs(data[k]! - 0x2c) < 30 && Math.abs(data[k + 1]! - 0xa0) < 30 && Math.abs(data[k + 2]! - 0x2c) < 30) green++;
      }
    }
    assert.ok(green > 1000, `green bar pixels near the top: ${green}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
