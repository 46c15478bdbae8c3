// Annotated images: the SVG overlay and the composited file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { annotatedPath, boxLabel, classColor, overlaySvg, saveAnnotated } from '../../src/infer/draw.js';

test('labels, escaping and colours', () => {
  const d = { box: [10, 20, 50, 60] as const, cls: 1, conf: 0.8567 };
  assert.equal(boxLabel(d, ['a', 'b&<c>']), 'b&<c> 0.86');
  assert.equal(boxLabel(d, ['a', 'b'], { hideConf: true }), 'b');
  assert.equal(boxLabel(d, ['a', 'b'], { hideLabels: true }), '');
  const svg = overlaySvg(100, 100, [d], ['a', 'b&<c>'], { lineWidth: 3 });
  assert.match(svg, /<rect x="11.5" y="21.5" width="37" height="37" fill="none" stroke="#[0-9a-f]{6}" stroke-width="3"\/>/);
  assert.match(svg, /b&#38;&#60;c&#62; 0\.86<\/text>/);
  assert.notEqual(classColor(0), classColor(1));
  assert.match(classColor(79), /^#[0-9a-f]{6}$/);
});

test('saveAnnotated draws onto the image; formats sharp cannot write become .png', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yt-draw-'));
  const image = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(255) };
  const file = annotatedPath(dir, '/x/pic.png');
  await saveAnnotated(file, image, [{ box: [10, 10, 40, 40], cls: 0, conf: 0.9 }], ['thing'], { lineWidth: 2 });
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [64, 48]);
  const at = (x: number, y: number): number[] => [...data.subarray((y * 64 + x) * info.channels, (y * 64 + x) * info.channels + 3)];
  assert.notDeepEqual(at(10, 25), [255, 255, 255], 'box edge drawn');
  assert.deepEqual(at(25, 25), [255, 255, 255], 'inside untouched');
  assert.equal(annotatedPath(dir, '/x/a.BMP'), path.join(dir, 'a.png'));
  assert.equal(annotatedPath(dir, '/x/a.jpeg'), path.join(dir, 'a.jpeg'));
});
