// BMP decoding, since sharp (libvips) does not read BMP: Windows (40/52/56/108/124-byte) and OS/2
// (12-byte) headers; 1/4/8-bit palettes, also RLE8/RLE4 compressed; 16/24/32-bit, with bit-field
// masks; bottom-up or top-down rows. Alpha is ignored, as cv2.imread does.
import type { RgbImage } from './preprocess.js';

export class BmpError extends Error {
  override name = 'BmpError';
}

export function isBmp(buf: Uint8Array): boolean {
  return buf.length >= 26 && buf[0] === 0x42 && buf[1] === 0x4d;
}

interface Header {
  width: number;
  height: number;
  topDown: boolean;
  bpp: number;
  compression: number;
  dataOffset: number;
  palette: Uint8Array[];
  masks: [number, number, number];
}

function readHeader(b: Buffer): Header {
  const dataOffset = b.readUInt32LE(10);
  const size = b.readUInt32LE(14);
  const core = size === 12;
  if (!core && size < 40) throw new BmpError(`unsupported BMP header size ${size}`);
  if (b.length < 14 + Math.max(size, 16)) throw new BmpError('truncated BMP header');
  const width = core ? b.readUInt16LE(18) : b.readInt32LE(18);
  const rawHeight = core ? b.readUInt16LE(20) : b.readInt32LE(22);
  const bpp = core ? b.readUInt16LE(24) : b.readUInt16LE(28);
  const compression = core ? 0 : b.readUInt32LE(30);
  if (width <= 0 || rawHeight === 0 || width * Math.abs(rawHeight) > 2 ** 28) throw new BmpError(`bad BMP size ${width}x${rawHeight}`);
  const bitFields = compression === 3 || compression === 6;
  if (bitFields && b.length < 66) throw new BmpError('truncated BMP bit fields');
  const masks: [number, number, number] = bitFields
    ? [b.readUInt32LE(54), b.readUInt32LE(58), b.readUInt32LE(62)]
    : bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  const palette: Uint8Array[] = [];
  if (bpp <= 8) {
    const entry = core ? 3 : 4;
    const used = core ? 0 : b.readUInt32LE(46);
    const start = 14 + size + (bitFields && size === 40 ? 12 : 0);
    const count = Math.min(used || 2 ** bpp, Math.floor((dataOffset - start) / entry));
    for (let i = 0; i < count; i++) palette.push(Uint8Array.of(b[start + i * entry + 2]!, b[start + i * entry + 1]!, b[start + i * entry]!));
  }
  return { width, height: Math.abs(rawHeight), topDown: rawHeight < 0, bpp, compression, dataOffset, palette, masks };
}

/** A bit-field channel as 8 bits. */
function channel(v: number, mask: number): number {
  if (mask === 0) return 0;
  const shift = 31 - Math.clz32(mask & -mask);
  const max = mask >>> shift;
  return Math.round((((v & mask) >>> shift) * 255) / max);
}

/** Palette indices, one per pixel, top row first, from uncompressed or RLE data. */
function indices(b: Buffer, h: Header): Uint8Array {
  const { width, height, bpp } = h;
  const out = new Uint8Array(width * height);
  if (h.compression === 1 || h.compression === 2) return decodeRle(b, h, out);
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  for (let y = 0; y < height; y++) {
    const row = h.dataOffset + (h.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const bit = x * bpp;
      const byte = b[row + (bit >> 3)] ?? 0;
      out[y * width + x] = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
    }
  }
  return out;
}

function decodeRle(b: Buffer, h: Header, out: Uint8Array): Uint8Array {
  const four = h.compression === 2;
  let p = h.dataOffset;
  let x = 0;
  let y = h.height - 1; // RLE bitmaps are bottom-up
  const put = (v: number): void => {
    if (x < h.width && y >= 0) out[y * h.width + x] = v;
    x++;
  };
  while (p + 1 < b.length && y >= 0) {
    const n = b[p++]!;
    const v = b[p++]!;
    if (n > 0) {
      for (let i = 0; i < n; i++) put(four ? (i % 2 === 0 ? v >> 4 : v & 15) : v);
    } else if (v === 0) {
      x = 0;
      y--;
    } else if (v === 1) {
      break;
    } else if (v === 2) {
      x += b[p++] ?? 0;
      y -= b[p++] ?? 0;
    } else {
      const bytes = four ? Math.ceil(v / 2) : v;
      for (let i = 0; i < v; i++) put(four ? (i % 2 === 0 ? b[p + (i >> 1)]! >> 4 : b[p + (i >> 1)]! & 15) : b[p + i]!);
      p += bytes + (bytes % 2); // runs are padded to 16 bits
    }
  }
  return out;
}

function decodeDirect(b: Buffer, h: Header, rgb: Uint8Array): void {
  const { width, height, bpp, masks } = h;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const bytes = bpp / 8;
  for (let y = 0; y < height; y++) {
    const row = h.dataOffset + (h.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const at = row + x * bytes;
      const o = (y * width + x) * 3;
      if (at + bytes > b.length) return; // truncated: the rest stays black
      if (bpp === 24) {
        rgb[o] = b[at + 2]!;
        rgb[o + 1] = b[at + 1]!;
        rgb[o + 2] = b[at]!;
      } else {
        const v = bpp === 16 ? b.readUInt16LE(at) : b.readUInt32LE(at);
        rgb[o] = channel(v, masks[0]);
        rgb[o + 1] = channel(v, masks[1]);
        rgb[o + 2] = channel(v, masks[2]);
      }
    }
  }
}

/** Decodes a BMP file's bytes to 8-bit RGB, top row first. */
export function decodeBmp(b: Buffer): RgbImage {
  if (!isBmp(b)) throw new BmpError('not a BMP file');
  const h = readHeader(b);
  const rgb = new Uint8Array(h.width * h.height * 3);
  if (h.bpp <= 8 && [1, 2, 4, 8].includes(h.bpp)) {
    if (h.palette.length === 0) throw new BmpError(`${h.bpp}-bit BMP without a palette`);
    const idx = indices(b, h);
    for (let i = 0; i < idx.length; i++) rgb.set(h.palette[idx[i]!] ?? h.palette[0]!, i * 3);
  } else if ([16, 24, 32].includes(h.bpp) && [0, 3, 6].includes(h.compression)) {
    decodeDirect(b, h, rgb);
  } else {
    throw new BmpError(`unsupported BMP (${h.bpp} bits per pixel, compression ${h.compression})`);
  }
  return { data: rgb, width: h.width, height: h.height };
}
