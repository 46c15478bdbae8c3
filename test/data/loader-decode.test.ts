// Decoding for training: EXIF orientation, grey / palette / RGBA / 16-bit → 8-bit RGB, a PNG named
// .jpg, YOLOv5's load_image size (long side to imgSize, also up).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage, loadSize } from '../../src/data/decode.js';
import { CLASS_COLOURS, boxImage, findColourBox } from '../helpers/yolo-fixture.js';
import { removeDir, tempDir } from './helpers.js';

const RED = CLASS_COLOURS[0]!;

function raw(img: { data: Uint8Array; width: number; height: number }, channels = 3) {
  return sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: channels as 3 } });
}

test('EXIF orientation is applied before anything else', async () => {
  // stored 80x40 with a red box in the top-left corner; orientation 6 shows it rotated 90° clockwise
  const img = boxImage(80, 40, [{ cls: 0, x1: 0, y1: 0, x2: 20, y2: 10 }]);
  const jpeg = await raw(img).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
  const d = await decodeImage(jpeg, 80);
  assert.deepEqual(d.original, [80, 40]);
  assert.equal(d.image.width, 40);
  assert.equal(d.image.height, 80);
  const box = findColourBox(d.image, RED)!; // now in the top-right corner, 10 wide and 20 high
  assert.ok(Math.abs(box[0] - 30) <= 1 && box[1] <= 1 && box[2] === 40 && Math.abs(box[3] - 20) <= 1, `box ${box}`);
});

test('grey, palette, RGBA and 16-bit PNGs all become 8-bit RGB; a PNG behind a .jpg name is read', async () => {
  const dir = tempDir('yolotrim-decode-');
  try {
    const grey = new Uint8Array(30 * 20).fill(90);
    const rgba = new Uint8Array(30 * 20 * 4).map((_, i) => (i % 4 === 3 ? 0 : 200)); // fully transparent: colour kept, alpha dropped
    const files: [string, Buffer][] = [
      ['grey.png', await sharp(Buffer.from(grey), { raw: { width: 30, height: 20, channels: 1 } }).png().toBuffer()],
      ['palette.png', await raw(boxImage(30, 20, [{ cls: 0, x1: 0, y1: 0, x2: 10, y2: 10 }])).png({ palette: true }).toBuffer()],
      ['rgba.png', await sharp(Buffer.from(rgba), { raw: { width: 30, height: 20, channels: 4 } }).png().toBuffer()],
      ['deep.png', await raw(boxImage(30, 20, [])).toColourspace('rgb16').png().toBuffer()],
      ['png-data.jpg', await raw(boxImage(30, 20, [])).png().toBuffer()],
    ];
    for (const [name, data] of files) writeFileSync(path.join(dir, name), data);
    const decoded = Object.fromEntries(await Promise.all(files.map(async ([n]) => [n, await decodeImage(path.join(dir, n), 30)] as const)));
    for (const [n, d] of Object.entries(decoded)) {
      assert.equal(d.image.data.length, 30 * 20 * 3, n);
      assert.deepEqual(d.original, [20, 30], n);
    }
    assert.deepEqual(Array.from(decoded['grey.png']!.image.data.subarray(0, 3)), [90, 90, 90]);
    assert.deepEqual(Array.from(decoded['rgba.png']!.image.data.subarray(0, 3)), [200, 200, 200]);
    assert.deepEqual(findColourBox(decoded['palette.png']!.image, RED, undefined, 20), [0, 0, 10, 10]);
    assert.deepEqual(Array.from(decoded['deep.png']!.image.data.subarray(0, 3)), [40, 40, 40]);
    assert.deepEqual(Array.from(decoded['png-data.jpg']!.image.data.subarray(0, 3)), [40, 40, 40]);
    writeFileSync(path.join(dir, 'broken.jpg'), 'nope');
    await assert.rejects(decodeImage(path.join(dir, 'broken.jpg'), 30), /broken\.jpg: cannot decode the image/);
  } finally {
    removeDir(dir);
  }
});

test('load_image size: long side to imgSize, both ways, rounded up', async () => {
  assert.deepEqual(loadSize(480, 640, 320), [240, 320]);
  assert.deepEqual(loadSize(100, 50, 320), [320, 160]);
  assert.deepEqual(loadSize(333, 500, 640), [427, 640]);
  const big = await decodeImage(await raw(boxImage(50, 25, [{ cls: 0, x1: 10, y1: 5, x2: 30, y2: 20 }])).png().toBuffer(), 100);
  assert.equal(big.image.width, 100);
  assert.deepEqual(findColourBox(big.image, RED), [20, 10, 60, 40], 'enlarged without a shift');
});

test('shrinking: area averages fine detail away, linear samples it as cv2 INTER_LINEAR (aliased)', async () => {
  // 1-pixel vertical stripes, shrunk 3x: INTER_LINEAR samples source columns 1, 4, 7, … exactly
  const w = 96;
  const stripes = new Uint8Array(w * w * 3).map((_, i) => (Math.floor(i / 3) % w) % 2 === 1 ? 255 : 0);
  const png = await sharp(Buffer.from(stripes), { raw: { width: w, height: w, channels: 3 } }).png().toBuffer();
  const linear = await decodeImage(png, 32, { interpolation: 'linear' });
  const area = await decodeImage(png, 32, { interpolation: 'area' });
  assert.deepEqual([linear.image.width, linear.image.height, area.image.width, area.image.height], [32, 32, 32, 32]);
  const row = (d: typeof linear) => Array.from({ length: 32 }, (_, x) => d.image.data[(16 * 32 + x) * 3]!);
  assert.deepEqual(row(linear), Array.from({ length: 32 }, (_, x) => (x % 2 === 0 ? 255 : 0)));
  for (const v of row(area)) assert.ok(v > 60 && v < 195, `area shrink keeps the stripes: ${row(area)}`);
  // enlarging is bilinear in both
  assert.deepEqual((await decodeImage(png, 192, { interpolation: 'linear' })).image.data, (await decodeImage(png, 192, { interpolation: 'area' })).image.data);
});
