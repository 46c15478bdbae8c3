// Decoding and YOLOv5's letterbox: parity with the reference input.npy (cv2 INTER_LINEAR, color 114),
// the geometry of detect.py's rect letterbox, and the image quirks (EXIF, gray, RGBA, PNG named .jpg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage, ImageDecodeError, letterboxGeometry, letterboxToChw, preprocessImage, roundHalfEven } from '../../src/infer/preprocess.js';
import { readNpy } from '../helpers/npy.js';

const ref = path.resolve(import.meta.dirname, '../../../shared/reference/yolov5n_coco_320');
const tmp = mkdtempSync(path.join(tmpdir(), 'yt-pre-'));

test('bus.jpg letterboxed to 320x320 matches input.npy (99% within 2/255)', async (t) => {
  const expected = readNpy(path.join(ref, 'input.npy'));
  const p = await preprocessImage(path.join(ref, 'bus.jpg'), [320, 320], { auto: false });
  assert.deepEqual([1, 3, p.geometry.height, p.geometry.width], expected.shape);
  const want = expected.data as Float32Array;
  let max = 0;
  let within = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(p.chw[i]! - want[i]!);
    max = Math.max(max, d);
    if (d <= 2 / 255 + 1e-6) within++;
  }
  t.diagnostic(`max |diff| ${(max * 255).toFixed(3)}/255, ${((100 * within) / want.length).toFixed(3)}% within 2/255`);
  assert.ok(within / want.length >= 0.99, `${within / want.length} within 2/255`);
  assert.ok(max <= 1.5 / 255, `max |diff| ${max * 255}/255`); // bit-exact today (cv2's fixed point)
  assert.equal(p.chw[0], Math.fround(114 / 255), 'padding is gray 114');
});

test('letterbox geometry: square, rect (detect.py), odd padding, no scale-up', () => {
  const square = letterboxGeometry(810, 1080, [320, 320]);
  assert.deepEqual([square.resized.width, square.resized.height, square.left, square.right, square.top, square.bottom], [240, 320, 40, 40, 0, 0]);
  const rect = letterboxGeometry(810, 1080, [320, 320], { auto: true, stride: 32 });
  assert.deepEqual([rect.height, rect.width, rect.left, rect.right], [320, 256, 8, 8]);
  const odd = letterboxGeometry(100, 45, [64, 64]);
  assert.deepEqual([odd.resized.height, odd.top, odd.bottom, odd.height], [29, 17, 18, 64]);
  const small = letterboxGeometry(100, 50, [640, 640], { scaleup: false });
  assert.deepEqual([small.ratio, small.resized.width, small.left, small.top], [1, 100, 270, 295]);
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
  assert.equal(roundHalfEven(-2.5), -2);
  assert.equal(roundHalfEven(2.4), 2);
});

test('resize reproduces cv2 INTER_LINEAR on a ramp (centre-aligned sampling, edge clamp)', () => {
  // 4x2 ramp 0, 100, 200, 255 -> 2x1: cv2 samples at x = 0.5 and 2.5: 50 and 227.5 -> 228
  const ramp = [0, 100, 200, 255].flatMap((v) => [v, v, v]);
  const img = { width: 4, height: 2, data: Uint8Array.from([...ramp, ...ramp]) };
  const g = letterboxGeometry(4, 2, [1, 2]);
  const out = letterboxToChw(img, g);
  assert.deepEqual([...out.subarray(0, 2)].map((v) => Math.round(v * 255)), [50, 228]);
  // upscaling 2 -> 4: samples at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
  const up = letterboxToChw({ width: 2, height: 1, data: Uint8Array.from([0, 0, 0, 200, 200, 200]) }, letterboxGeometry(2, 1, [2, 4]));
  assert.deepEqual([...up.subarray(4, 8)].map((v) => Math.round(v * 255)), [0, 50, 150, 200]);
  // an exact 2x downscale is the rounded mean of each 2x2 block (cv2 switches to INTER_AREA there)
  const block = Uint8Array.from([1, 2, 2, 2].flatMap((v) => [v, v, v]));
  const half = letterboxToChw({ width: 2, height: 2, data: block }, letterboxGeometry(2, 2, [1, 1]));
  assert.equal(Math.round(half[0]! * 255), 2); // (1 + 2 + 2 + 2 + 2) >> 2
});

test('EXIF orientation is applied', async () => {
  const file = path.join(tmp, 'rotated.jpg');
  await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 255, g: 0, b: 0 } } }).jpeg().withMetadata({ orientation: 6 }).toFile(file);
  const img = await decodeImage(file);
  assert.deepEqual([img.width, img.height], [20, 40]);
});

test('grayscale, RGBA, 16-bit, palette, WebP and TIFF images decode to 8-bit RGB; PNG data behind a .jpg name reads', async () => {
  const gray = await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 90, g: 90, b: 90 } } }).grayscale().png().toBuffer();
  const g = await decodeImage(gray);
  assert.equal(g.data.length, 8 * 6 * 3);
  assert.deepEqual([...g.data.subarray(0, 3)], [90, 90, 90]);

  const rgba = await sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0 } } }).png().toBuffer();
  const a = await decodeImage(rgba);
  assert.deepEqual([...a.data.subarray(0, 3)], [10, 200, 30], 'alpha dropped, colour kept (cv2.imread)');

  const deep = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 255, g: 128, b: 0 } } }).toColourspace('rgb16').png().toBuffer();
  assert.deepEqual([...(await decodeImage(deep)).data.subarray(0, 3)], [255, 128, 0]);

  const palette = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 0, g: 0, b: 255 } } }).png({ palette: true }).toBuffer();
  assert.deepEqual([...(await decodeImage(palette)).data.subarray(0, 3)], [0, 0, 255]);

  const green = (): ReturnType<typeof sharp> => sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 0, g: 255, b: 0 } } });
  for (const buf of [await green().webp({ lossless: true }).toBuffer(), await green().tiff({ compression: 'lzw' }).toBuffer()]) {
    assert.deepEqual([...(await decodeImage(buf)).data.subarray(0, 3)], [0, 255, 0]);
  }

  const disguised = path.join(tmp, 'really-png.jpg');
  writeFileSync(disguised, rgba);
  assert.equal((await decodeImage(disguised)).width, 4);
});

test('an unreadable file is an ImageDecodeError with a readable reason', async () => {
  const bad = path.join(tmp, 'corrupt.jpg');
  writeFileSync(bad, Buffer.from('this is not an image at all'));
  await assert.rejects(decodeImage(bad), (e: Error) => e instanceof ImageDecodeError && /not a readable image/.test(e.message));
  await assert.rejects(decodeImage(path.join(tmp, 'missing.jpg')), /file not found|not a readable image/);
});
