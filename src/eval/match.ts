// Matching detections to ground-truth boxes of one image, as YOLOv5's val.py `process_batch`
// does: IoU matrix (labels x detections), candidate pairs of the same class at or above each
// IoU threshold, sorted by IoU descending, kept unique per detection, then unique per label.

/** Boxes of one image: `boxes` is n x 4 (x1, y1, x2, y2 in pixels), row-major; `cls` class ids. */
export interface LabelBoxes {
  boxes: ArrayLike<number>;
  cls: ArrayLike<number>;
}

/** Detections of one image: boxes as in LabelBoxes, plus a confidence per box. */
export interface DetectionBoxes extends LabelBoxes {
  conf: ArrayLike<number>;
}

/** The 10 IoU thresholds of mAP@0.5:0.95: 0.5, 0.55, ..., 0.95. */
export const IOU_THRESHOLDS: readonly number[] = Object.freeze(Array.from({ length: 10 }, (_, i) => 0.5 + 0.05 * i));

/** Number of boxes in a set, checking that boxes and classes agree. */
export function boxCount(set: LabelBoxes): number {
  const n = set.cls.length;
  if (set.boxes.length !== n * 4) throw new Error(`box set: ${set.boxes.length} box values for ${n} classes (want 4 per box)`);
  return n;
}

/** IoU of every box in `a` with every box in `b`: a Float64Array of a.n x b.n (YOLOv5 box_iou, eps 1e-7). */
export function boxIou(a: ArrayLike<number>, b: ArrayLike<number>, eps = 1e-7): Float64Array {
  const na = a.length / 4;
  const nb = b.length / 4;
  const out = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    const ax1 = a[i * 4]!, ay1 = a[i * 4 + 1]!, ax2 = a[i * 4 + 2]!, ay2 = a[i * 4 + 3]!;
    const areaA = (ax2 - ax1) * (ay2 - ay1);
    for (let j = 0; j < nb; j++) {
      const bx1 = b[j * 4]!, by1 = b[j * 4 + 1]!, bx2 = b[j * 4 + 2]!, by2 = b[j * 4 + 3]!;
      const iw = Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1));
      const ih = Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1));
      const inter = iw * ih;
      out[i * nb + j] = inter / (areaA + (bx2 - bx1) * (by2 - by1) - inter + eps);
    }
  }
  return out;
}

/** A candidate (label, detection) pair and its IoU. */
export interface Match {
  label: number;
  det: number;
  iou: number;
}

/** Keeps the first pair for each distinct key, returned in ascending key order (`np.unique(..., return_index=True)`). */
function uniqueBy(pairs: Match[], key: 'label' | 'det'): Match[] {
  const first = new Map<number, Match>();
  for (const m of pairs) if (!first.has(m[key])) first.set(m[key], m);
  return [...first.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1]);
}

/** Pairs in descending IoU order as `argsort()[::-1]` gives them: stable ascending, then reversed. */
function byIouDescending(pairs: Match[]): Match[] {
  return pairs
    .map((m, i) => ({ m, i }))
    .sort((x, y) => x.m.iou - y.m.iou || x.i - y.i)
    .reverse()
    .map((e) => e.m);
}

/**
 * One-to-one pairs from the candidates (row-major label/detection order) as YOLOv5 keeps them.
 * `resort` re-sorts by IoU between the two unique steps, as ConfusionMatrix does (val's
 * process_batch does not).
 */
export function uniqueMatches(candidates: Match[], resort: boolean): Match[] {
  if (candidates.length <= 1) return candidates;
  let m = uniqueBy(byIouDescending(candidates), 'det');
  if (resort) m = byIouDescending(m);
  return uniqueBy(m, 'label');
}

/** Candidate pairs whose IoU passes `accept`, in row-major (label, detection) order like torch.where. */
export function candidatePairs(iou: Float64Array, nLabels: number, nDets: number, accept: (l: number, d: number, v: number) => boolean): Match[] {
  const out: Match[] = [];
  for (let l = 0; l < nLabels; l++) {
    for (let d = 0; d < nDets; d++) {
      const v = iou[l * nDets + d]!;
      if (accept(l, d, v)) out.push({ label: l, det: d, iou: v });
    }
  }
  return out;
}

/**
 * Which detections are true positives at each IoU threshold: a Uint8Array of nDets x nThresholds
 * (1 = correct), exactly as val.py's process_batch.
 */
export function matchDetections(dets: DetectionBoxes, labels: LabelBoxes, thresholds: readonly number[] = IOU_THRESHOLDS): Uint8Array {
  const nd = boxCount(dets);
  const nl = boxCount(labels);
  const nt = thresholds.length;
  const correct = new Uint8Array(nd * nt);
  if (nd === 0 || nl === 0) return correct;
  const iou = boxIou(labels.boxes, dets.boxes);
  thresholds.forEach((t, ti) => {
    const same = (l: number, d: number, v: number): boolean => v >= t && labels.cls[l] === dets.cls[d];
    for (const m of uniqueMatches(candidatePairs(iou, nl, nd, same), false)) correct[m.det * nt + ti] = 1;
  });
  return correct;
}
