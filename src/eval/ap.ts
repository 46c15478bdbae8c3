// Average precision per class, as YOLOv5's `ap_per_class` and `compute_ap` (v7.0): detections
// sorted by confidence, cumulative TP/FP, recall and precision sampled on 1000 confidences,
// AP as the area under the precision envelope with 101-point interpolation (np.interp + trapz),
// and P/R/F1 taken at the confidence that maximises the smoothed mean F1.
import { argmax, argsortDescending, interp, linspace, roundHalfEven, smooth, trapz } from './numeric.js';

const EPS = 1e-16;

/** Confidence axis of the P/R/F1 curves: 1000 points from 0 to 1. */
export const CONFIDENCE_AXIS: Float64Array = linspace(0, 1, 1000);

/** Recall axis of the 101-point interpolation. */
const RECALL_AXIS = linspace(0, 1, 101);

/** What compute_ap returns: the AP, and the padded envelope it integrated. */
export interface ApResult {
  ap: number;
  mpre: Float64Array;
  mrec: Float64Array;
}

/** AP from a recall and a precision curve (YOLOv5 compute_ap, method 'interp'). */
export function computeAp(recall: ArrayLike<number>, precision: ArrayLike<number>): ApResult {
  const n = recall.length;
  const mrec = new Float64Array(n + 2);
  const mpre = new Float64Array(n + 2);
  mrec[0] = 0;
  mpre[0] = 1;
  for (let i = 0; i < n; i++) {
    mrec[i + 1] = recall[i]!;
    mpre[i + 1] = precision[i]!;
  }
  mrec[n + 1] = 1;
  mpre[n + 1] = 0;
  for (let i = n; i >= 0; i--) mpre[i] = Math.max(mpre[i]!, mpre[i + 1]!);
  const ap = trapz(interp(RECALL_AXIS, mrec, mpre), RECALL_AXIS);
  return { ap, mpre, mrec };
}

/** The per-detection statistics of a whole evaluation (val.py's concatenated `stats`). */
export interface DetectionStats {
  /** nDets x nIou, 1 where the detection is a true positive at that IoU threshold. */
  correct: Uint8Array;
  conf: Float64Array;
  predCls: Int32Array;
  /** Class of every ground-truth box. */
  targetCls: Int32Array;
  nIou: number;
}

/** ap_per_class's result, one row per class present in the ground truth (ascending class id). */
export interface ApPerClass {
  classes: number[];
  /** Ground-truth boxes per class. */
  nt: number[];
  tp: number[];
  fp: number[];
  p: number[];
  r: number[];
  f1: number[];
  /** classes x nIou. */
  ap: number[][];
  /** Index into CONFIDENCE_AXIS where P, R and F1 were read. */
  confIndex: number;
  /** Curves over CONFIDENCE_AXIS, per class. */
  pCurve: Float64Array[];
  rCurve: Float64Array[];
  f1Curve: Float64Array[];
  /** Precision over recall (CONFIDENCE_AXIS reused as recall axis) at IoU 0.5; null for a class without detections. */
  prCurve: (Float64Array | null)[];
}

/** Classes present in the ground truth, ascending, with their counts (`np.unique(..., return_counts)`). */
function classCounts(targetCls: Int32Array): { classes: number[]; nt: number[] } {
  const counts = new Map<number, number>();
  for (const c of targetCls) counts.set(c, (counts.get(c) ?? 0) + 1);
  const classes = [...counts.keys()].sort((a, b) => a - b);
  return { classes, nt: classes.map((c) => counts.get(c)!) };
}

/** Curves and APs of one class: its detections (already sorted by confidence) and its label count. */
function classCurves(stats: DetectionStats, order: number[], nl: number) {
  const { nIou } = stats;
  const n = order.length;
  const negConf = new Float64Array(n);
  const recall = Array.from({ length: nIou }, () => new Float64Array(n));
  const precision = Array.from({ length: nIou }, () => new Float64Array(n));
  const tpc = new Float64Array(nIou);
  const fpc = new Float64Array(nIou);
  order.forEach((d, k) => {
    negConf[k] = -stats.conf[d]!;
    for (let j = 0; j < nIou; j++) {
      const hit = stats.correct[d * nIou + j]!;
      tpc[j] += hit;
      fpc[j] += 1 - hit;
      recall[j]![k] = tpc[j]! / (nl + EPS);
      precision[j]![k] = tpc[j]! / (tpc[j]! + fpc[j]!);
    }
  });
  const negPx = CONFIDENCE_AXIS.map((v) => -v);
  const r = interp(negPx, negConf, recall[0]!, 0);
  const p = interp(negPx, negConf, precision[0]!, 1);
  const ap: number[] = [];
  let prCurve: Float64Array | null = null;
  for (let j = 0; j < nIou; j++) {
    const res = computeAp(recall[j]!, precision[j]!);
    ap.push(res.ap);
    if (j === 0) prCurve = interp(CONFIDENCE_AXIS, res.mrec, res.mpre);
  }
  return { p, r, ap, prCurve };
}

/** YOLOv5's ap_per_class over the concatenated statistics of an evaluation. */
export function apPerClass(stats: DetectionStats): ApPerClass {
  const { nIou } = stats;
  const sorted = argsortDescending(stats.conf);
  const { classes, nt } = classCounts(stats.targetCls);
  const len = CONFIDENCE_AXIS.length;
  const pCurve: Float64Array[] = [];
  const rCurve: Float64Array[] = [];
  const ap: number[][] = [];
  const prCurve: (Float64Array | null)[] = [];
  classes.forEach((c, ci) => {
    const order = sorted.filter((d) => stats.predCls[d] === c);
    if (order.length === 0 || nt[ci] === 0) {
      pCurve.push(new Float64Array(len));
      rCurve.push(new Float64Array(len));
      ap.push(new Array<number>(nIou).fill(0));
      prCurve.push(null);
      return;
    }
    const cc = classCurves(stats, order, nt[ci]!);
    pCurve.push(cc.p);
    rCurve.push(cc.r);
    ap.push(cc.ap);
    prCurve.push(cc.prCurve);
  });
  const f1Curve = pCurve.map((p, ci) => p.map((pv, k) => (2 * pv * rCurve[ci]![k]!) / (pv + rCurve[ci]![k]! + EPS)));
  const meanF1 = new Float64Array(len);
  for (const f of f1Curve) for (let k = 0; k < len; k++) meanF1[k] += f[k]!;
  for (let k = 0; k < len; k++) meanF1[k] /= Math.max(1, f1Curve.length);
  const i = f1Curve.length > 0 ? argmax(smooth(meanF1, 0.1)) : 0;
  const p = pCurve.map((c) => c[i]!);
  const r = rCurve.map((c) => c[i]!);
  const tp = r.map((rv, ci) => roundHalfEven(rv * nt[ci]!));
  const fp = tp.map((t, ci) => roundHalfEven(t / (p[ci]! + EPS) - t));
  const f1 = f1Curve.map((c) => c[i]!);
  return { classes, nt, tp, fp, p, r, f1, ap, confIndex: i, pCurve, rCurve, f1Curve, prCurve };
}
