// YOLOv5's random_perspective: a random centre shift, perspective, rotation + scale, shear and
// translation composed as M = T·S·R·P·C, the image warped by M (bilinear, border 114), label corners
// moved by M, boxes re-fitted around them, clipped, and filtered by box_candidates.
import type { Rng } from '../rng.js';
import { boxCandidates, selectRows, BOX_CANDIDATES, type CandidateThresholds } from './boxes.js';
import { labelCount, LABEL_STRIDE, type PixelLabels, type RgbImage } from './image.js';
import { IDENTITY, matMul, warp, type Mat3 } from './warp.js';

export interface PerspectiveHyp {
  /** rotation range, ± degrees */
  degrees: number;
  /** translation range, ± fraction of the output size */
  translate: number;
  /** scale range, 1 ± scale */
  scale: number;
  /** shear range, ± degrees */
  shear: number;
  /** perspective range, ± (0 .. 0.001) */
  perspective: number;
}

export interface AffineResult {
  image: RgbImage;
  labels: PixelLabels;
  /** the matrix applied (from input pixels to output pixels) */
  matrix: Mat3;
}

/**
 * The random matrix for an input of inW×inH and an output of outW×outH; draws, in order: perspective
 * x, y; angle; scale; shear x, y; translation x, y.
 */
export function randomPerspectiveMatrix(h: PerspectiveHyp, rng: Rng, inW: number, inH: number, outW: number, outH: number): { matrix: Mat3; scale: number } {
  const C: Mat3 = [1, 0, -inW / 2, 0, 1, -inH / 2, 0, 0, 1];
  const P: Mat3 = [1, 0, 0, 0, 1, 0, rng.uniform(-h.perspective, h.perspective), rng.uniform(-h.perspective, h.perspective), 1];
  const a = (rng.uniform(-h.degrees, h.degrees) * Math.PI) / 180;
  const s = rng.uniform(1 - h.scale, 1 + h.scale);
  const alpha = s * Math.cos(a), beta = s * Math.sin(a);
  const R: Mat3 = [alpha, beta, 0, -beta, alpha, 0, 0, 0, 1]; // cv2.getRotationMatrix2D(center (0, 0), a, s)
  const S: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  S[1] = Math.tan((rng.uniform(-h.shear, h.shear) * Math.PI) / 180);
  S[3] = Math.tan((rng.uniform(-h.shear, h.shear) * Math.PI) / 180);
  const T: Mat3 = [1, 0, rng.uniform(0.5 - h.translate, 0.5 + h.translate) * outW, 0, 1, rng.uniform(0.5 - h.translate, 0.5 + h.translate) * outH, 0, 0, 1];
  const matrix = [T, S, R, P].reduceRight((acc, m) => matMul(m, acc), C);
  return { matrix, scale: s };
}

/** Boxes around the 4 moved corners of each label, clipped to the output (same row order). */
export function transformBoxes(labels: PixelLabels, m: Mat3, outW: number, outH: number): PixelLabels {
  const out = new Float32Array(labels.length);
  const affine = m[6] === 0 && m[7] === 0 && m[8] === 1;
  for (let i = 0; i < labels.length; i += LABEL_STRIDE) {
    const x1 = labels[i + 1]!, y1 = labels[i + 2]!, x2 = labels[i + 3]!, y2 = labels[i + 4]!;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const [x, y] of [[x1, y1], [x2, y2], [x1, y2], [x2, y1]] as const) {
      let px = m[0] * x + m[1] * y + m[2];
      let py = m[3] * x + m[4] * y + m[5];
      if (!affine) {
        const w = m[6] * x + m[7] * y + m[8];
        px /= w;
        py /= w;
      }
      minX = Math.min(minX, px);
      maxX = Math.max(maxX, px);
      minY = Math.min(minY, py);
      maxY = Math.max(maxY, py);
    }
    out[i] = labels[i]!;
    out[i + 1] = Math.min(Math.max(minX, 0), outW);
    out[i + 2] = Math.min(Math.max(minY, 0), outH);
    out[i + 3] = Math.min(Math.max(maxX, 0), outW);
    out[i + 4] = Math.min(Math.max(maxY, 0), outH);
  }
  return out;
}

/**
 * random_perspective(img, targets, ..., border): the output is (w + 2·border[1]) × (h + 2·border[0])
 * (YOLOv5 passes border [-s/2, -s/2] to cut a 2s mosaic down to s).
 */
export function randomPerspective(
  img: RgbImage,
  labels: PixelLabels,
  h: PerspectiveHyp,
  rng: Rng,
  border: [number, number] = [0, 0],
  thresholds: CandidateThresholds = BOX_CANDIDATES,
): AffineResult {
  const outH = img.height + border[0] * 2;
  const outW = img.width + border[1] * 2;
  const { matrix, scale } = randomPerspectiveMatrix(h, rng, img.width, img.height, outW, outH);
  const moved = border[0] !== 0 || border[1] !== 0 || matrix.some((v, k) => v !== IDENTITY[k]);
  const image = moved ? warp(img, matrix, outW, outH) : img;
  if (labelCount(labels) === 0) return { image, labels, matrix };
  const boxes = transformBoxes(labels, matrix, outW, outH);
  const keep = boxCandidates(labels, boxes, scale, thresholds);
  return { image, labels: selectRows(boxes, keep), matrix };
}
