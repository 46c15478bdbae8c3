// BMP decoding (sharp has none): files built byte by byte here for each layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBmp, BmpError } from '../../src/infer/bmp.js';
import { decodeImage } from '../../src/infer/preprocess.js';

/** A BMP with a 40-byte header; `extra` (masks or palette) goes between header and pixels. */
function bmp(o: { width: number; height: number; bpp: number; compression?: number; extra?: number[]; pixels: number[]; used?: number }): Buffer {
  const extra = Buffer.from(o.extra ?? []);
  const pixels = Buffer.from(o.pixels);
  const offset = 14 + 40 + extra.length;
  const b = Buffer.alloc(offset + pixels.length);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(offset, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(o.width, 18);
  b.writeInt32LE(o.height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(o.bpp, 28);
  b.writeUInt32LE(o.compression ?? 0, 30);
  b.writeUInt32LE(o.used ?? 0, 46);
  extra.copy(b, 54);
  pixels.copy(b, offset);
  return b;
}

const rgb = (im: { data: Uint8Array }): number[][] => Array.from({ length: im.data.length / 3 }, (_, i) => [...im.data.subarray(i * 3, i * 3 + 3)]);

test('24-bit, bottom-up, rows padded to 4 bytes', () => {
  // 3x2: bottom row stored first; BGR order
  const im = decodeBmp(bmp({ width: 3, height: 2, bpp: 24, pixels: [
    0, 0, 255, 0, 255, 0, 255, 0, 0, 0, 0, 0, // bottom: red green blue + 3 bytes padding
    1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, // top
  ] }));
  assert.deepEqual([im.width, im.height], [3, 2]);
  assert.deepEqual(rgb(im), [[3, 2, 1], [6, 5, 4], [9, 8, 7], [255, 0, 0], [0, 255, 0], [0, 0, 255]]);
});

test('8-bit palette top-down, 1-bit, 16-bit 555, 32-bit bit fields', () => {
  const palette = [0, 0, 0, 0, 255, 255, 255, 0, 10, 20, 30, 0];
  const p8 = decodeBmp(bmp({ width: 2, height: -2, bpp: 8, used: 3, extra: palette, pixels: [0, 1, 0, 0, 2, 2, 0, 0] }));
  assert.deepEqual(rgb(p8), [[0, 0, 0], [255, 255, 255], [30, 20, 10], [30, 20, 10]]);
  const p1 = decodeBmp(bmp({ width: 3, height: 1, bpp: 1, extra: palette.slice(0, 8), pixels: [0b10100000, 0, 0, 0] }));
  assert.deepEqual(rgb(p1), [[255, 255, 255], [0, 0, 0], [255, 255, 255]]);
  const p16 = decodeBmp(bmp({ width: 2, height: 1, bpp: 16, pixels: [0x00, 0x7c, 0x1f, 0x00] }));
  assert.deepEqual(rgb(p16), [[255, 0, 0], [0, 0, 255]]);
  const masks = [0, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0]; // R in the top byte, G, B below it
  const p32 = decodeBmp(bmp({ width: 1, height: 1, bpp: 32, compression: 3, extra: masks, pixels: [0x99, 0x30, 0x20, 0x10] }));
  assert.deepEqual(rgb(p32), [[0x10, 0x20, 0x30]]);
});

test('RLE8: runs, absolute runs, end of line, end of bitmap', () => {
  const palette = [0, 0, 0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 0];
  // bottom row: 3 x index 1, end of line; top row: absolute run of 3 (2, 3, 1) padded, end of bitmap
  const im = decodeBmp(bmp({ width: 3, height: 2, bpp: 8, compression: 1, used: 4, extra: palette, pixels: [3, 1, 0, 0, 0, 3, 2, 3, 1, 0, 0, 1] }));
  assert.deepEqual(rgb(im), [[0, 255, 0], [0, 0, 255], [255, 0, 0], [255, 0, 0], [255, 0, 0], [255, 0, 0]]);
});

test('BMP goes through decodeImage; broken ones are errors', async () => {
  const im = await decodeImage(bmp({ width: 1, height: 1, bpp: 24, pixels: [1, 2, 3, 0] }));
  assert.deepEqual(rgb(im), [[3, 2, 1]]);
  assert.throws(() => decodeBmp(bmp({ width: 0, height: 1, bpp: 24, pixels: [] })), BmpError);
  assert.throws(() => decodeBmp(bmp({ width: 1, height: 1, bpp: 8, pixels: [0, 0, 0, 0] }).subarray(0, 66)), /without a palette/);
  assert.throws(() => decodeBmp(bmp({ width: 1, height: 1, bpp: 24, pixels: [] }).subarray(0, 40)), /truncated/);
  await assert.rejects(decodeImage(bmp({ width: 1, height: 1, bpp: 64, pixels: [] })), /unsupported BMP/);
});
