// The augmentation hyperparameters, with YOLOv5's names and hyp.scratch-low's defaults.
import type { PerspectiveHyp } from './affine.js';
import type { HsvHyp } from './hsv.js';

export interface AugmentHyp extends PerspectiveHyp, HsvHyp {
  /** probability of a horizontal flip */
  fliplr: number;
  /** probability of a vertical flip */
  flipud: number;
  /** probability of a 4-image mosaic */
  mosaic: number;
  /** probability of mixing in a second mosaic */
  mixup: number;
}

/** hyp.scratch-low.yaml */
export const DEFAULT_AUGMENT_HYP: Readonly<AugmentHyp> = Object.freeze({
  hsv_h: 0.015,
  hsv_s: 0.7,
  hsv_v: 0.4,
  degrees: 0.0,
  translate: 0.1,
  scale: 0.5,
  shear: 0.0,
  perspective: 0.0,
  flipud: 0.0,
  fliplr: 0.5,
  mosaic: 1.0,
  mixup: 0.0,
});

const KEYS = Object.keys(DEFAULT_AUGMENT_HYP) as (keyof AugmentHyp)[];
const PROBABILITIES = new Set<keyof AugmentHyp>(['fliplr', 'flipud', 'mosaic', 'mixup']);

/**
 * The augmentation part of a hyp object (e.g. a parsed hyp yaml, which has other keys too): the
 * defaults for what is missing; a RangeError naming the key for a value that is not a number, is
 * negative, or is a probability above 1.
 */
export function augmentHypFrom(source: Readonly<Record<string, unknown>> = {}): AugmentHyp {
  const out = { ...DEFAULT_AUGMENT_HYP } as AugmentHyp;
  for (const k of KEYS) {
    const v = source[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`hyp ${k}: expected a non-negative number, got ${JSON.stringify(v)}`);
    if (PROBABILITIES.has(k) && v > 1) throw new RangeError(`hyp ${k}: a probability must be at most 1, got ${v}`);
    out[k] = v;
  }
  return out;
}
