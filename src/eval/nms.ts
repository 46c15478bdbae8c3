// YOLOv5's non_max_suppression, on typed arrays: a box survives the objectness threshold first, its
// confidence is obj * cls, then the best class (or every class above the threshold with multiLabel),
// the class filter, the top max_nms by confidence, greedy NMS per class (YOLOv5 offsets boxes by
// class * max_wh so one NMS call keeps classes apart; see groupsAreSeparate), and the top max_det.
import type { Tensor } from '../torch/index.js';

export interface NmsOptions {
  /** objectness and confidence threshold (YOLOv5: 0.25) */
  confThres?: number;
  /** IoU above which a lower-scored box is suppressed (YOLOv5: 0.45) */
  iouThres?: number;
  /** keep only these class ids */
  classes?: readonly number[] | null;
  /** one NMS over all classes instead of one per class */
  agnostic?: boolean;
  /** a box may be kept once per class above the threshold (val), not just for its best class (detect) */
  multiLabel?: boolean;
  /** at most this many detections per image (YOLOv5's function default: 300; detect.py passes 1000) */
  maxDet?: number;
  /** at most this many boxes enter NMS, the most confident (YOLOv5: 30000) */
  maxNms?: number;
  /** class offset for class-aware NMS, in pixels (YOLOv5: 7680) */
  maxWh?: number;
}

/** Detections of one image, most confident first. */
export interface Detections {
  count: number;
  /** x1 y1 x2 y2 per detection, in the coordinates of the predictions */
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
}

interface Candidates {
  count: number;
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
}

function resolve(o: NmsOptions): Required<Omit<NmsOptions, 'classes'>> & { classes: Set<number> | null } {
  const r = {
    confThres: o.confThres ?? 0.25,
    iouThres: o.iouThres ?? 0.45,
    classes: o.classes && o.classes.length > 0 ? new Set(o.classes) : null,
    agnostic: o.agnostic ?? false,
    multiLabel: o.multiLabel ?? false,
    maxDet: o.maxDet ?? 300,
    maxNms: o.maxNms ?? 30000,
    maxWh: o.maxWh ?? 7680,
  };
  if (!(r.confThres >= 0 && r.confThres <= 1)) throw new RangeError(`confThres must be in [0, 1], got ${r.confThres}`);
  if (!(r.iouThres >= 0 && r.iouThres <= 1)) throw new RangeError(`iouThres must be in [0, 1], got ${r.iouThres}`);
  if (!(Number.isInteger(r.maxDet) && r.maxDet >= 0)) throw new RangeError(`maxDet must be a non-negative integer, got ${r.maxDet}`);
  return r;
}

/** The boxes past the thresholds and the class filter, unsorted: [x1 y1 x2 y2], conf = obj * cls (float32), class. */
function candidates(pred: Float32Array, rows: number, no: number, o: ReturnType<typeof resolve>): Candidates {
  const nc = no - 5;
  const multi = o.multiLabel && nc > 1;
  let cap = Math.max(rows, 16);
  let c: Candidates = { count: 0, boxes: new Float32Array(cap * 4), scores: new Float32Array(cap), classes: new Int32Array(cap) };
  const push = (r: number, score: number, cls: number): void => {
    if (o.classes && !o.classes.has(cls)) return;
    if (c.count === cap) c = grow(c, (cap *= 2));
    const b = r * no;
    const k = c.count * 4;
    const hw = pred[b + 2]! / 2;
    const hh = pred[b + 3]! / 2;
    c.boxes[k] = pred[b]! - hw;
    c.boxes[k + 1] = pred[b + 1]! - hh;
    c.boxes[k + 2] = pred[b]! + hw;
    c.boxes[k + 3] = pred[b + 1]! + hh;
    c.scores[c.count] = score;
    c.classes[c.count++] = cls;
  };
  for (let r = 0; r < rows; r++) {
    const b = r * no;
    const obj = pred[b + 4]!;
    if (!(obj > o.confThres)) continue;
    let best = -Infinity;
    let bestJ = 0;
    for (let j = 0; j < nc; j++) {
      const conf = Math.fround(pred[b + 5 + j]! * obj);
      if (multi) {
        if (conf > o.confThres) push(r, conf, j);
      } else if (conf > best) {
        best = conf;
        bestJ = j;
      }
    }
    if (!multi && best > o.confThres) push(r, best, bestJ);
  }
  return c;
}

function grow(c: Candidates, cap: number): Candidates {
  const g = { count: c.count, boxes: new Float32Array(cap * 4), scores: new Float32Array(cap), classes: new Int32Array(cap) };
  g.boxes.set(c.boxes);
  g.scores.set(c.scores);
  g.classes.set(c.classes);
  return g;
}

/** The k-th largest value (1-based) of `values`, which it reorders (quickselect). */
function kthLargest(values: Float32Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target]!;
}

/** Indices of the `limit` highest scores, highest first (ties by index), without sorting them all. */
function topByScore(scores: Float32Array, limit: number): Int32Array {
  let idx: Int32Array;
  if (scores.length > limit) {
    const cut = limit > 0 ? kthLargest(scores.slice(), limit) : Infinity;
    idx = new Int32Array(limit);
    let k = 0;
    for (let i = 0; i < scores.length && k < limit; i++) if (scores[i]! > cut) idx[k++] = i;
    for (let i = 0; i < scores.length && k < limit; i++) if (scores[i] === cut) idx[k++] = i;
  } else {
    idx = Int32Array.from({ length: scores.length }, (_, i) => i);
  }
  return idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/**
 * With the class offset, boxes of two classes can overlap only when some box spans max_wh or more;
 * when none does, NMS within each class alone gives YOLOv5's result, much faster.
 */
function groupsAreSeparate(c: Candidates, order: Int32Array, maxWh: number): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of order) {
    for (let k = 0; k < 4; k++) {
      const v = c.boxes[i * 4 + k]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return hi - lo < maxWh;
}

function iouAbove(c: Candidates, i: number, j: number, oi: number, oj: number, thres: number): boolean {
  const b = c.boxes;
  const ax1 = b[i * 4]! + oi, ay1 = b[i * 4 + 1]! + oi, ax2 = b[i * 4 + 2]! + oi, ay2 = b[i * 4 + 3]! + oi;
  const bx1 = b[j * 4]! + oj, by1 = b[j * 4 + 1]! + oj, bx2 = b[j * 4 + 2]! + oj, by2 = b[j * 4 + 3]! + oj;
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return false;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return inter / union > thres;
}

/** Greedy NMS over `order` (most confident first): the kept candidate indices, at most maxDet. */
function greedy(c: Candidates, order: Int32Array, o: ReturnType<typeof resolve>): number[] {
  const n = order.length;
  const offset = (i: number): number => (o.agnostic ? 0 : c.classes[i]! * o.maxWh);
  const byClass = !o.agnostic && groupsAreSeparate(c, order, o.maxWh);
  // next[p]: the next position in `order` that p must be compared with (same class, or any)
  const next = new Int32Array(n).fill(-1);
  const last = new Map<number, number>();
  for (let p = 0; p < n; p++) {
    const g = byClass ? c.classes[order[p]!]! : 0;
    const prev = last.get(g);
    if (prev !== undefined) next[prev] = p;
    last.set(g, p);
  }
  const suppressed = new Uint8Array(n);
  const keep: number[] = [];
  for (let p = 0; p < n && keep.length < o.maxDet; p++) {
    if (suppressed[p]) continue;
    const i = order[p]!;
    keep.push(i);
    const oi = offset(i);
    for (let q = next[p]!; q !== -1; q = next[q]!) {
      if (suppressed[q]) continue;
      const j = order[q]!;
      if (iouAbove(c, i, j, oi, offset(j), o.iouThres)) suppressed[q] = 1;
    }
  }
  return keep;
}

/** YOLOv5's non_max_suppression for one image's predictions: `rows` x `no` floats (xywh, obj, nc class probs). */
export function nonMaxSuppression(pred: Float32Array, rows: number, no: number, opts: NmsOptions = {}): Detections {
  if (no < 6) throw new RangeError(`predictions need at least 6 values per row (xywh, obj, classes), got ${no}`);
  if (pred.length < rows * no) throw new RangeError(`${pred.length} values for ${rows} rows of ${no}`);
  const o = resolve(opts);
  const c = candidates(pred, rows, no, o);
  const order = topByScore(c.scores.subarray(0, c.count), o.maxNms);
  const keep = greedy(c, order, o);
  const out: Detections = { count: keep.length, boxes: new Float32Array(keep.length * 4), scores: new Float32Array(keep.length), classes: new Int32Array(keep.length) };
  keep.forEach((i, k) => {
    out.boxes.set(c.boxes.subarray(i * 4, i * 4 + 4), k * 4);
    out.scores[k] = c.scores[i]!;
    out.classes[k] = c.classes[i]!;
  });
  return out;
}

/** NMS of each image of a row-major [bs, rows, no] array (an engine's output). */
export function nonMaxSuppressionEach(data: Float32Array, [bs, rows, no]: readonly [number, number, number], opts: NmsOptions = {}): Detections[] {
  return Array.from({ length: bs }, (_, b) => nonMaxSuppression(data.subarray(b * rows * no, (b + 1) * rows * no), rows, no, opts));
}

/** NMS for a batch of decoded predictions [bs, anchors, 5 + nc] (any device or float dtype). */
export function nonMaxSuppressionBatch(pred: Tensor, opts: NmsOptions = {}): Detections[] {
  if (pred.shape.length !== 3) throw new RangeError(`expected predictions [bs, anchors, 5 + nc], got [${pred.shape.join(', ')}]`);
  const [bs, rows, no] = pred.shape as [number, number, number];
  const temps: Tensor[] = [];
  let t = pred;
  if (t.device !== 'cpu') temps.push((t = t.to('cpu')));
  if (t.dtype !== 'float32') temps.push((t = t.to('float32')));
  try {
    return nonMaxSuppressionEach(t.data() as Float32Array, [bs, rows, no], opts);
  } finally {
    for (const x of temps) x.dispose();
  }
}

/** Detections as rows [x1, y1, x2, y2, conf, cls], YOLOv5's output layout. */
export function detectionRows(d: Detections): number[][] {
  return Array.from({ length: d.count }, (_, k) => [...d.boxes.subarray(k * 4, k * 4 + 4), d.scores[k]!, d.classes[k]!]);
}
