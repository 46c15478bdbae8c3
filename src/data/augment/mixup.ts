// YOLOv5's mixup: two images of the same size blended with a ratio r ~ Beta(32, 32); the labels of both kept.
import type { Rng } from '../rng.js';
import { concatLabels } from './boxes.js';
import type { PixelLabels, RgbImage } from './image.js';

export function mixup(a: { image: RgbImage; labels: PixelLabels }, b: { image: RgbImage; labels: PixelLabels }, rng: Rng): { image: RgbImage; labels: PixelLabels; ratio: number } {
  if (a.image.width !== b.image.width || a.image.height !== b.image.height) {
    throw new RangeError(`mixup: images differ in size (${a.image.width}x${a.image.height} and ${b.image.width}x${b.image.height})`);
  }
  const r = rng.beta(32, 32);
  const x = a.image.data, y = b.image.data;
  const out = new Uint8Array(x.length);
  // YOLOv5 casts the float blend to uint8: truncation
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * r + y[i]! * (1 - r);
  return { image: { data: out, width: a.image.width, height: a.image.height }, labels: concatLabels([a.labels, b.labels]), ratio: r };
}
