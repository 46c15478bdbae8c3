// Bilinear warping by a 3×3 matrix, as cv2.warpAffine / cv2.warpPerspective / cv2.resize(INTER_LINEAR)
// sample: each output pixel (x, y) reads the source at M⁻¹·(x, y, 1), pixel centres at integers.
// Outside the source: a constant colour (BORDER_CONSTANT) or the nearest edge pixel (BORDER_REPLICATE).
import { BORDER_VALUE, newImage, type RgbImage } from './image.js';

/** Row-major 3×3 matrix. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function matMul(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9) as Mat3;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
  }
  return out;
}

export function matInvert(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-12) throw new RangeError('warp: the matrix is not invertible');
  const k = 1 / det;
  return [A * k, -(b * i - c * h) * k, (b * f - c * e) * k, B * k, (a * i - c * g) * k, -(a * f - c * d) * k, C * k, -(a * h - b * g) * k, (a * e - b * d) * k];
}

export function isAffine(m: Mat3): boolean {
  return m[6] === 0 && m[7] === 0 && m[8] === 1;
}

export interface WarpOptions {
  border?: 'constant' | 'replicate';
  /** the constant border colour (grey level), YOLOv5's 114 by default */
  value?: number;
}

/** Sub-pixel positions are rounded to 1/32 pixel and weights are integers, as in OpenCV (INTER_BITS 5). */
const BITS = 5;
const ONE = 1 << BITS;
const HALF_SQ = 1 << (2 * BITS - 1);

/** The output image: pixel (x, y) = source bilinearly sampled at inverse·(x, y, 1). */
export function warpInverse(src: RgbImage, inverse: Mat3, width: number, height: number, o: WarpOptions = {}): RgbImage {
  const out = newImage(width, height, 0);
  const edge: EdgeSampler = { src, replicate: o.border === 'replicate', fill: o.value ?? BORDER_VALUE };
  const projective = !isAffine(inverse);
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = inverse;
  const sw = src.width, sh = src.height, s = src.data, d = out.data, row = sw * 3;
  // positions outside this range are far from the image (and keep the integer maths in range)
  const far = 4 * Math.max(sw, sh) + 4;
  // floor(v) = ((v + OFF) | 0) - OFF for v > -OFF: cheaper than Math.floor; OFF a multiple of ONE keeps >> and & exact
  const OFF = (far + 2) * ONE;
  let at = 0;
  for (let y = 0; y < height; y++) {
    let nx = m1 * y + m2, ny = m4 * y + m5, nw = m7 * y + m8;
    for (let x = 0; x < width; x++, at += 3, nx += m0, ny += m3, nw += m6) {
      let sx = nx, sy = ny;
      if (projective) {
        const iw = nw !== 0 ? 1 / nw : 0;
        sx *= iw;
        sy *= iw;
      }
      if (!(sx > -far && sx < far && sy > -far && sy < far)) { // also catches NaN
        sx = sx > 0 ? far : -far;
        sy = sy > 0 ? far : -far;
      }
      const X = ((sx * ONE + 0.5 + OFF) | 0) - OFF, Y = ((sy * ONE + 0.5 + OFF) | 0) - OFF;
      const x0 = X >> BITS, y0 = Y >> BITS, fx = X & (ONE - 1), fy = Y & (ONE - 1);
      const w11 = fx * fy, w01 = fx * ONE - w11, w10 = fy * ONE - w11, w00 = ONE * ONE - w01 - w10 - w11;
      if (x0 >= 0 && y0 >= 0 && x0 < sw - 1 && y0 < sh - 1) {
        const p = (y0 * sw + x0) * 3, q = p + row;
        d[at] = (w00 * s[p]! + w01 * s[p + 3]! + w10 * s[q]! + w11 * s[q + 3]! + HALF_SQ) >> (2 * BITS);
        d[at + 1] = (w00 * s[p + 1]! + w01 * s[p + 4]! + w10 * s[q + 1]! + w11 * s[q + 4]! + HALF_SQ) >> (2 * BITS);
        d[at + 2] = (w00 * s[p + 2]! + w01 * s[p + 5]! + w10 * s[q + 2]! + w11 * s[q + 5]! + HALF_SQ) >> (2 * BITS);
      } else if (!edge.replicate && (x0 < -1 || y0 < -1 || x0 >= sw || y0 >= sh)) {
        d[at] = d[at + 1] = d[at + 2] = edge.fill;
      } else {
        edgeSample(edge, x0, y0, [w00, w01, w10, w11], d, at);
      }
    }
  }
  return out;
}

interface EdgeSampler {
  src: RgbImage;
  replicate: boolean;
  fill: number;
}

/** One output pixel whose four source neighbours are not all inside. */
function edgeSample(e: EdgeSampler, x0: number, y0: number, weights: readonly number[], d: Uint8Array, at: number): void {
  const { width: sw, height: sh, data: s } = e.src;
  for (let c = 0; c < 3; c++) {
    let v = HALF_SQ;
    for (let k = 0; k < 4; k++) {
      const wgt = weights[k]!;
      if (wgt === 0) continue;
      let xx = x0 + (k & 1), yy = y0 + (k >> 1);
      if (e.replicate) {
        xx = Math.min(Math.max(xx, 0), sw - 1);
        yy = Math.min(Math.max(yy, 0), sh - 1);
      } else if (xx < 0 || yy < 0 || xx >= sw || yy >= sh) {
        v += wgt * e.fill;
        continue;
      }
      v += wgt * s[(yy * sw + xx) * 3 + c]!;
    }
    d[at + c] = v >> (2 * BITS);
  }
}

/** warpInverse with the forward matrix (what cv2.warpAffine / warpPerspective take). */
export function warp(src: RgbImage, forward: Mat3, width: number, height: number, o: WarpOptions = {}): RgbImage {
  return warpInverse(src, matInvert(forward), width, height, o);
}

/** cv2.resize(..., INTER_LINEAR): half-pixel centres, edges replicated. */
export function resizeBilinear(src: RgbImage, width: number, height: number): RgbImage {
  if (width === src.width && height === src.height) return { data: src.data.slice(), width, height };
  const kx = src.width / width, ky = src.height / height;
  const inverse: Mat3 = [kx, 0, 0.5 * kx - 0.5, 0, ky, 0.5 * ky - 0.5, 0, 0, 1];
  return warpInverse(src, inverse, width, height, { border: 'replicate' });
}
