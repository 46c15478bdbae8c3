// YOLOv5's 4-image mosaic (load_mosaic): four images placed around a random centre of a 2s × 2s
// canvas filled with 114, labels moved with their image and clipped to the canvas. The caller then
// cuts the canvas down to s × s with randomPerspective(..., border [-s/2, -s/2]).
import type { Rng } from '../rng.js';
import { clipXyxy, concatLabels, xywhnToXyxy } from './boxes.js';
import { blit, newImage, type PixelLabels, type RgbImage } from './image.js';

export interface MosaicPart {
  /** already resized by the loader (long side = s) */
  image: RgbImage;
  /** rows [cls, cx, cy, w, h] normalised to this image */
  labels: Float32Array;
}

/** The four dataset indices of a mosaic: `index` and three drawn with replacement, shuffled. */
export function mosaicIndices(index: number, datasetSize: number, rng: Rng): number[] {
  const picks = [index, rng.int(datasetSize), rng.int(datasetSize), rng.int(datasetSize)];
  return rng.shuffle(picks);
}

/** The mosaic centre: integers in [s/2, 3s/2), y drawn first as in YOLOv5. */
export function mosaicCentre(s: number, rng: Rng): { xc: number; yc: number } {
  const yc = Math.trunc(rng.uniform(s / 2, (3 * s) / 2));
  const xc = Math.trunc(rng.uniform(s / 2, (3 * s) / 2));
  return { xc, yc };
}

/** The 2s × 2s canvas and all labels in its pixels: [top-left, top-right, bottom-left, bottom-right]. */
export function mosaic4(parts: readonly MosaicPart[], s: number, centre: { xc: number; yc: number }): { image: RgbImage; labels: PixelLabels } {
  if (parts.length !== 4) throw new RangeError(`mosaic4 needs 4 images, got ${parts.length}`);
  const canvas = newImage(2 * s, 2 * s);
  const { xc, yc } = centre;
  const placed = parts.map((p, i) => {
    const { width: w, height: h } = p.image;
    let a: [number, number, number, number]; // x1a, y1a, x2a, y2a on the canvas
    let b: [number, number]; // x1b, y1b in the image
    if (i === 0) {
      a = [Math.max(xc - w, 0), Math.max(yc - h, 0), xc, yc];
      b = [w - (a[2] - a[0]), h - (a[3] - a[1])];
    } else if (i === 1) {
      a = [xc, Math.max(yc - h, 0), Math.min(xc + w, 2 * s), yc];
      b = [0, h - (a[3] - a[1])];
    } else if (i === 2) {
      a = [Math.max(xc - w, 0), yc, xc, Math.min(2 * s, yc + h)];
      b = [w - (a[2] - a[0]), 0];
    } else {
      a = [xc, yc, Math.min(xc + w, 2 * s), Math.min(2 * s, yc + h)];
      b = [0, 0];
    }
    const cw = Math.min(a[2] - a[0], w - b[0]);
    const ch = Math.min(a[3] - a[1], h - b[1]);
    blit(p.image, canvas, b[0], b[1], a[0], a[1], cw, ch);
    return xywhnToXyxy(p.labels, w, h, a[0] - b[0], a[1] - b[1]);
  });
  return { image: canvas, labels: clipXyxy(concatLabels(placed), 2 * s, 2 * s) };
}
