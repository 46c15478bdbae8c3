// YOLOv5's augment_hsv: random gains 1 ± (hsv_h, hsv_s, hsv_v) applied through lookup tables to the
// 8-bit HSV image (OpenCV's convention: H in [0, 180), S and V in [0, 255]), in place.
import type { Rng } from '../rng.js';
import type { RgbImage } from './image.js';

export interface HsvHyp {
  hsv_h: number;
  hsv_s: number;
  hsv_v: number;
}

/** Draws the three gains (hue, saturation, value) and applies them; returns them. */
export function augmentHsv(img: RgbImage, h: HsvHyp, rng: Rng): [number, number, number] {
  const gains: [number, number, number] = [
    rng.uniform(-1, 1) * h.hsv_h + 1,
    rng.uniform(-1, 1) * h.hsv_s + 1,
    rng.uniform(-1, 1) * h.hsv_v + 1,
  ];
  if (h.hsv_h || h.hsv_s || h.hsv_v) applyHsvGains(img, gains);
  return gains;
}

/** The YOLOv5 tables: hue (x·g) mod 180, saturation and value x·g clipped to 255, truncated to integers. */
export function hsvTables(gains: readonly [number, number, number]): [Uint8Array, Uint8Array, Uint8Array] {
  const hue = new Uint8Array(256), sat = new Uint8Array(256), val = new Uint8Array(256);
  for (let x = 0; x < 256; x++) {
    hue[x] = Math.trunc((x * gains[0]) % 180);
    sat[x] = Math.trunc(Math.min(Math.max(x * gains[1], 0), 255));
    val[x] = Math.trunc(Math.min(Math.max(x * gains[2], 0), 255));
  }
  return [hue, sat, val];
}

/** RGB → OpenCV 8-bit HSV → the gain tables → RGB, for every pixel, in place. */
export function applyHsvGains(img: RgbImage, gains: readonly [number, number, number]): void {
  const [lh, ls, lv] = hsvTables(gains);
  const { sdiv, hdiv, factors } = tables();
  const d = img.data;
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i]!, g = d[i + 1]!, b = d[i + 2]!;
    const v = r > g ? (r > b ? r : b) : g > b ? g : b;
    const mn = r < g ? (r < b ? r : b) : g < b ? g : b;
    const diff = v - mn;
    // OpenCV's 8-bit BGR2HSV: S = round(255·diff / V), H = round(hue° / 2) in [0, 180)
    const s = (diff * sdiv[v]! + 0.5) | 0;
    let hh = 0;
    if (diff !== 0) {
      const k = hdiv[diff]!;
      let h2 = v === r ? (g - b) * k : v === g ? 60 + (b - r) * k : 120 + (r - g) * k;
      if (h2 < 0) h2 += 180;
      hh = (h2 + 0.5) | 0;
      if (hh >= 180) hh -= 180;
    }
    const v2 = lv[v]!;
    const f = (lh[hh]! * 256 + ls[s]!) * 3;
    d[i] = v2 * factors[f]! + 0.5;
    d[i + 1] = v2 * factors[f + 1]! + 0.5;
    d[i + 2] = v2 * factors[f + 2]! + 0.5;
  }
}

interface HsvTables {
  /** 255 / v */
  sdiv: Float64Array;
  /** 30 / diff: hue in half degrees per unit of channel difference */
  hdiv: Float64Array;
  /** for each (H, S): the R, G, B of that hue and saturation at value 1 (OpenCV's HSV2RGB) */
  factors: Float32Array;
}

let cached: HsvTables | undefined;

/** Built once per thread (about 0.5 MB); constant, so sharing it across calls hides no state. */
function tables(): HsvTables {
  if (cached) return cached;
  const sdiv = new Float64Array(256), hdiv = new Float64Array(256);
  for (let x = 1; x < 256; x++) {
    sdiv[x] = 255 / x;
    hdiv[x] = 30 / x;
  }
  const factors = new Float32Array(180 * 256 * 3);
    for (let h = 0; h < 180; h++) {
    for (let s = 0; s < 256; s++) {
      const f = hsvFactors(h, s);
      factors.set(f, (h * 256 + s) * 3);
    }
  }
  cached = { sdiv, hdiv, factors };
  return cached;
}

/** OpenCV's HSV2RGB at V = 1 for bytes H in [0, 180), S in [0, 255]: [r, g, b] in [0, 1]. */
export function hsvFactors(h8: number, s8: number): [number, number, number] {
  if (s8 === 0) return [1, 1, 1];
  const s = s8 / 255;
  let hh = (h8 * 6) / 180;
  if (hh >= 6) hh -= 6;
  const sector = Math.floor(hh);
  const f = hh - sector;
  const p = 1 - s, q = 1 - s * f, t = 1 - s * (1 - f);
  switch (sector) {
    case 0: return [1, t, p];
    case 1: return [q, 1, p];
    case 2: return [p, 1, t];
    case 3: return [p, q, 1];
    case 4: return [t, p, 1];
    default: return [1, p, q];
  }
}
