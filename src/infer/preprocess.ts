// Images in, network input out. Decoding goes through sharp (EXIF orientation applied, alpha
// dropped and embedded ICC profiles ignored like cv2.imread does, grayscale/palette/CMYK/16-bit turned
// into 8-bit RGB; BMP through bmp.ts, which sharp lacks); the letterbox
// is YOLOv5's: scale to fit, cv2 INTER_LINEAR resize (reimplemented here in cv2's fixed point, so the
// pixels match OpenCV's, which sharp's resize kernels do not), pad with gray 114, CHW, /255.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { decodeBmp, isBmp } from './bmp.js';
import { roundHalfEven } from '../eval/numeric.js';

export { roundHalfEven };

/** 8-bit RGB pixels, row-major HWC. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

/** Decodes any image sharp reads (whatever its file name says) to upright 8-bit RGB. */
export async function decodeImage(input: string | Buffer): Promise<RgbImage> {
  try {
    const bytes = typeof input === 'string' ? await readFile(input) : input;
    if (isBmp(bytes)) return decodeBmp(bytes);
    const { data, info } = await sharp(bytes, { failOn: 'error', ignoreIcc: true })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new ImageDecodeError(`decoded to ${info.channels} channels, expected 3`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    throw new ImageDecodeError(describeSharpError(e));
  }
}

function describeSharpError(e: unknown): string {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'file not found';
  if ((e as NodeJS.ErrnoException).code === 'EISDIR') return 'a folder, not an image';
  const first = String((e as Error).message ?? e).split('\n').map((l) => l.trim()).find(Boolean);
  if (!first || /unsupported image format/i.test(first)) return 'not a readable image (unknown format or corrupt data)';
  if (/Input file is missing/i.test(first)) return 'file not found';
  return first;
}

export interface LetterboxOptions {
  /** YOLOv5's `auto`: pad only up to a multiple of `stride` (detect.py's default), not to the full size */
  auto?: boolean;
  stride?: number;
  /** allow enlarging small images (YOLOv5's default) */
  scaleup?: boolean;
  /** padding gray level (114) */
  color?: number;
}

export interface LetterboxGeometry {
  /** scale from the original image to the resized one */
  ratio: number;
  /** resized size before padding */
  resized: { width: number; height: number };
  /** padding in pixels on each side */
  top: number;
  bottom: number;
  left: number;
  right: number;
  /** the network input size */
  width: number;
  height: number;
}


/** Where YOLOv5's letterbox puts an image of `width`x`height` in a `newShape` = [h, w] input. */
export function letterboxGeometry(width: number, height: number, newShape: readonly [number, number], opts: LetterboxOptions = {}): LetterboxGeometry {
  const [nh, nw] = newShape;
  let ratio = Math.min(nh / height, nw / width);
  if (opts.scaleup === false) ratio = Math.min(ratio, 1);
  const rw = roundHalfEven(width * ratio);
  const rh = roundHalfEven(height * ratio);
  let dw = nw - rw;
  let dh = nh - rh;
  if (opts.auto) {
    const s = opts.stride ?? 32;
    dw = ((dw % s) + s) % s;
    dh = ((dh % s) + s) % s;
  }
  dw /= 2;
  dh /= 2;
  // dw and dh are multiples of 0.5, so ±0.1 never lands on a half: Math.round equals Python's round
  const top = Math.max(0, Math.round(dh - 0.1));
  const bottom = Math.round(dh + 0.1);
  const left = Math.max(0, Math.round(dw - 0.1));
  const right = Math.round(dw + 0.1);
  return { ratio, resized: { width: rw, height: rh }, top, bottom, left, right, width: rw + left + right, height: rh + top + bottom };
}

// cv2's fixed point for 8-bit INTER_LINEAR: weights scaled by 2^11, a horizontal pass into ints, a
// vertical pass as its SIMD code does it. Bit-exact with OpenCV 4 on the reference image.
const COEF_SCALE = 2048;

interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Int32Array;
  w1: Int32Array;
}

/** Source taps and weights of cv2 INTER_LINEAR along one axis (pixel centres aligned, edges clamped). */
function linearTaps(src: number, dst: number): AxisTaps {
  const taps = { i0: new Int32Array(dst), i1: new Int32Array(dst), w0: new Int32Array(dst), w1: new Int32Array(dst) };
  const scale = 1 / (dst / src); // as cv2 derives it, then the position in float32
  for (let d = 0; d < dst; d++) {
    const f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    let frac = Math.fround(f - s);
    if (s < 0) {
      s = 0;
      frac = 0;
    }
    if (s >= src - 1) {
      s = src - 1;
      frac = 0;
    }
    taps.i0[d] = s;
    taps.i1[d] = Math.min(s + 1, src - 1);
    taps.w0[d] = roundHalfEven(Math.fround(1 - frac) * COEF_SCALE);
    taps.w1[d] = roundHalfEven(frac * COEF_SCALE);
  }
  return taps;
}

/** One horizontally resized source row, channels interleaved, in 2^11 fixed point. */
function resizeRow(img: RgbImage, row: number, xs: AxisTaps, out: Int32Array): void {
  const base = row * img.width * 3;
  const src = img.data;
  for (let x = 0; x < xs.i0.length; x++) {
    const a = base + xs.i0[x]! * 3;
    const b = base + xs.i1[x]! * 3;
    const w0 = xs.w0[x]!;
    const w1 = xs.w1[x]!;
    out[x * 3] = src[a]! * w0 + src[b]! * w1;
    out[x * 3 + 1] = src[a + 1]! * w0 + src[b + 1]! * w1;
    out[x * 3 + 2] = src[a + 2]! * w0 + src[b + 2]! * w1;
  }
}

/** Writes a resized pixel value at `at` of each of the three planes. */
type Put = (at: number, c: number, v: number) => void;

function resizeLinear(img: RgbImage, rw: number, rh: number, rowStart: (y: number) => number, put: Put): void {
  const xs = linearTaps(img.width, rw);
  const ys = linearTaps(img.height, rh);
  const rowA = new Int32Array(rw * 3);
  const rowB = new Int32Array(rw * 3);
  for (let y = 0; y < rh; y++) {
    resizeRow(img, ys.i0[y]!, xs, rowA);
    resizeRow(img, ys.i1[y]!, xs, rowB);
    const b0 = ys.w0[y]!;
    const b1 = ys.w1[y]!;
    const o = rowStart(y);
    for (let x = 0; x < rw; x++) {
      for (let c = 0; c < 3; c++) {
        const k = x * 3 + c;
        // high halves of (row >> 4) * beta, summed, then a rounding shift by 2
        put(o + x, c, ((((rowA[k]! >> 4) * b0) >> 16) + (((rowB[k]! >> 4) * b1) >> 16) + 2) >> 2);
      }
    }
  }
}

/**
 * YOLOv5's letterbox straight into the network's input layout: float32 CHW RGB in [0, 1] of
 * `geometry.height` x `geometry.width`, the image resized like cv2.resize(INTER_LINEAR) and padded with `color`.
 */
export function letterboxToChw(img: RgbImage, g: LetterboxGeometry, color = 114): Float32Array {
  const { width: W, height: H } = g;
  const { width: rw, height: rh } = g.resized;
  const plane = W * H;
  const out = new Float32Array(3 * plane).fill(color / 255);
  const rowStart = (y: number): number => (g.top + y) * W + g.left;
  const put: Put = (at, c, v) => {
    out[c * plane + at] = Math.min(v, 255) / 255;
  };
  // (cv2 runs an exact 2x downscale as INTER_AREA, the rounded 2x2 mean: this gives the same values)
  resizeLinear(img, rw, rh, rowStart, put);
  return out;
}

export interface Preprocessed {
  /** float32 CHW in [0, 1], [3, height, width] */
  chw: Float32Array;
  geometry: LetterboxGeometry;
  /** the decoded original, upright (for drawing) */
  image: RgbImage;
}

/** Decode + letterbox: what one image needs before the network. */
export async function preprocessImage(input: string | Buffer, newShape: readonly [number, number], opts: LetterboxOptions = {}): Promise<Preprocessed> {
  const image = await decodeImage(input);
  const geometry = letterboxGeometry(image.width, image.height, newShape, opts);
  return { chw: letterboxToChw(image, geometry, opts.color ?? 114), geometry, image };
}
