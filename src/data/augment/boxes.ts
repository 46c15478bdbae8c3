// Label conversions and YOLOv5's box filters, on label rows [cls, a, b, c, d] (5 numbers per label).
import { LABEL_STRIDE, labelCount } from './image.js';

/** [cls, cx, cy, w, h] normalised → [cls, x1, y1, x2, y2] in pixels of a w×h image placed at (padw, padh). */
export function xywhnToXyxy(labels: Float32Array, w: number, h: number, padw = 0, padh = 0): Float32Array {
  const out = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i += LABEL_STRIDE) {
    const cx = labels[i + 1]!, cy = labels[i + 2]!, bw = labels[i + 3]!, bh = labels[i + 4]!;
    out[i] = labels[i]!;
    out[i + 1] = w * (cx - bw / 2) + padw;
    out[i + 2] = h * (cy - bh / 2) + padh;
    out[i + 3] = w * (cx + bw / 2) + padw;
    out[i + 4] = h * (cy + bh / 2) + padh;
  }
  return out;
}

/**
 * [cls, x1, y1, x2, y2] pixels → [cls, cx, cy, w, h] normalised to a w×h image; with clip, corners are
 * first clipped to [0, w - eps] × [0, h - eps] as YOLOv5's xyxy2xywhn(clip=True, eps=1e-3) does.
 */
export function xyxyToXywhn(labels: Float32Array, w: number, h: number, clip = true, eps = 1e-3): Float32Array {
  const out = new Float32Array(labels.length);
  const cx = (v: number, hi: number) => (clip ? Math.min(Math.max(v, 0), hi - eps) : v);
  for (let i = 0; i < labels.length; i += LABEL_STRIDE) {
    const x1 = cx(labels[i + 1]!, w), y1 = cx(labels[i + 2]!, h);
    const x2 = cx(labels[i + 3]!, w), y2 = cx(labels[i + 4]!, h);
    out[i] = labels[i]!;
    out[i + 1] = (x1 + x2) / 2 / w;
    out[i + 2] = (y1 + y2) / 2 / h;
    out[i + 3] = (x2 - x1) / w;
    out[i + 4] = (y2 - y1) / h;
  }
  return out;
}

/** Clips corners to [0, w] × [0, h], in place. */
export function clipXyxy(labels: Float32Array, w: number, h: number): Float32Array {
  for (let i = 0; i < labels.length; i += LABEL_STRIDE) {
    labels[i + 1] = Math.min(Math.max(labels[i + 1]!, 0), w);
    labels[i + 2] = Math.min(Math.max(labels[i + 2]!, 0), h);
    labels[i + 3] = Math.min(Math.max(labels[i + 3]!, 0), w);
    labels[i + 4] = Math.min(Math.max(labels[i + 4]!, 0), h);
  }
  return labels;
}

export interface CandidateThresholds {
  /** minimum width and height in pixels (YOLOv5: 2) */
  whThr: number;
  /** maximum aspect ratio (YOLOv5: 100) */
  arThr: number;
  /** minimum area kept, as a fraction of the area before (YOLOv5: 0.1) */
  areaThr: number;
}

export const BOX_CANDIDATES: CandidateThresholds = { whThr: 2, arThr: 100, areaThr: 0.1 };

/**
 * YOLOv5's box_candidates: keep box i when the box after (x1 y1 x2 y2 at 1 + 4i of `after`) is wider
 * and taller than whThr, keeps more than areaThr of the area it had before (`before`, scaled by
 * `scale`), and its aspect ratio is below arThr.
 */
export function boxCandidates(before: Float32Array, after: Float32Array, scale: number, t: CandidateThresholds = BOX_CANDIDATES): boolean[] {
  const eps = 1e-16;
  const keep: boolean[] = [];
  for (let i = 0; i < before.length; i += LABEL_STRIDE) {
    const w1 = (before[i + 3]! - before[i + 1]!) * scale, h1 = (before[i + 4]! - before[i + 2]!) * scale;
    const w2 = after[i + 3]! - after[i + 1]!, h2 = after[i + 4]! - after[i + 2]!;
    const ar = Math.max(w2 / (h2 + eps), h2 / (w2 + eps));
    keep.push(w2 > t.whThr && h2 > t.whThr && (w2 * h2) / (w1 * h1 + eps) > t.areaThr && ar < t.arThr);
  }
  return keep;
}

/** The rows whose flag is true. */
export function selectRows(labels: Float32Array, keep: readonly boolean[]): Float32Array {
  const n = keep.filter(Boolean).length;
  const out = new Float32Array(n * LABEL_STRIDE);
  let k = 0;
  for (let i = 0; i < labelCount(labels); i++) {
    if (!keep[i]) continue;
    out.set(labels.subarray(i * LABEL_STRIDE, (i + 1) * LABEL_STRIDE), k * LABEL_STRIDE);
    k++;
  }
  return out;
}

export function concatLabels(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
