// YOLOv5 val metrics: per image, detections are matched to labels at the 10 IoU thresholds
// (match.ts); at the end, ap_per_class (ap.ts) gives per-class P, R, AP and the overall
// P, R, mAP@0.5, mAP@0.5:0.95 and fitness, exactly as val.py reports them.
import { apPerClass, CONFIDENCE_AXIS, type ApPerClass } from './ap.js';
import { ConfusionMatrix } from './confusion.js';
import { boxCount, IOU_THRESHOLDS, matchDetections, type DetectionBoxes, type LabelBoxes } from './match.js';
import { mean } from './numeric.js';

export { IOU_THRESHOLDS, boxIou, matchDetections } from './match.js';
export type { DetectionBoxes, LabelBoxes } from './match.js';
export { apPerClass, computeAp, CONFIDENCE_AXIS } from './ap.js';
export { ConfusionMatrix } from './confusion.js';

/** Metrics of one class present in the ground truth. */
export interface ClassMetrics {
  cls: number;
  /** Ground-truth boxes of this class. */
  instances: number;
  precision: number;
  recall: number;
  f1: number;
  map50: number;
  /** mAP@0.5:0.95. */
  map: number;
  /** AP at each IoU threshold. */
  apPerIou: number[];
  tp: number;
  fp: number;
}

/** The curves behind the plots, over CONFIDENCE_AXIS (per class present in the ground truth). */
export interface MetricCurves {
  px: Float64Array;
  classes: number[];
  precision: Float64Array[];
  recall: Float64Array[];
  f1: Float64Array[];
  /** Precision over recall at IoU 0.5 (null for a class without detections). */
  pr: (Float64Array | null)[];
  /** AP@0.5 per class, for the PR legend. */
  ap50: number[];
}

export interface DetectionMetrics {
  precision: number;
  recall: number;
  map50: number;
  /** mAP@0.5:0.95. */
  map: number;
  /** 0.1 mAP@0.5 + 0.9 mAP@0.5:0.95. */
  fitness: number;
  /** Images evaluated. */
  images: number;
  /** Ground-truth boxes per class id, 0..nc-1 (val.py's nt). */
  instancesPerClass: number[];
  /** Classes present in the ground truth, ascending id (all zeros when nothing was detected correctly). */
  perClass: ClassMetrics[];
  /** Confidence at which P, R and F1 were read (max smoothed mean F1). */
  confidence: number;
  curves: MetricCurves | null;
}

/** YOLOv5's fitness: 0.1 mAP@0.5 + 0.9 mAP@0.5:0.95. */
export function fitness(m: { map50: number; map: number }): number {
  return 0.1 * m.map50 + 0.9 * m.map;
}

export interface AccumulatorOptions {
  /** Number of classes of the model (instances are counted for 0..nc-1). */
  nc: number;
  iouThresholds?: readonly number[];
  /** Fed as val.py feeds it: only images with labels. */
  confusion?: ConfusionMatrix;
}

/** Collects per-image statistics like val.py's loop; compute() turns them into metrics. */
export class MetricsAccumulator {
  readonly nc: number;
  readonly thresholds: readonly number[];
  readonly confusion: ConfusionMatrix | undefined;
  private images = 0;
  private correct: Uint8Array[] = [];
  private conf: number[] = [];
  private predCls: number[] = [];
  private targetCls: number[] = [];

  constructor(options: AccumulatorOptions) {
    this.nc = options.nc;
    this.thresholds = options.iouThresholds ?? IOU_THRESHOLDS;
    this.confusion = options.confusion;
  }

  /** One image: its detections and labels, both as pixel xyxy boxes in the same (original image) frame. */
  add(dets: DetectionBoxes, labels: LabelBoxes): void {
    const nd = boxCount(dets);
    const nl = boxCount(labels);
    this.images += 1;
    for (let i = 0; i < nl; i++) this.targetCls.push(Math.trunc(labels.cls[i]!));
    if (nd === 0) {
      if (nl > 0) this.confusion?.processMissed(labels.cls);
      return;
    }
    this.correct.push(matchDetections(dets, labels, this.thresholds));
    for (let i = 0; i < nd; i++) {
      this.conf.push(dets.conf[i]!);
      this.predCls.push(Math.trunc(dets.cls[i]!));
    }
    if (nl > 0) this.confusion?.process(dets, labels);
  }

  /** The metrics over every image added so far. */
  compute(): DetectionMetrics {
    const nIou = this.thresholds.length;
    const correct = new Uint8Array(this.conf.length * nIou);
    let off = 0;
    for (const c of this.correct) { correct.set(c, off); off += c.length; }
    const instancesPerClass = new Array<number>(this.nc).fill(0);
    for (const c of this.targetCls) if (c >= 0 && c < this.nc) instancesPerClass[c]! += 1;
    const base = { images: this.images, instancesPerClass };
    if (!correct.some((v) => v === 1)) {
      const perClass = instancesPerClass.flatMap((n, cls) => (n > 0 ? [zeroClass(cls, n, nIou)] : []));
      return { ...base, precision: 0, recall: 0, map50: 0, map: 0, fitness: 0, perClass, confidence: 0, curves: null };
    }
    const res = apPerClass({
      correct,
      conf: Float64Array.from(this.conf),
      predCls: Int32Array.from(this.predCls),
      targetCls: Int32Array.from(this.targetCls),
      nIou,
    });
    return { ...base, ...summarize(res) };
  }
}

/** A class with labels but no correct detection. */
function zeroClass(cls: number, instances: number, nIou: number): ClassMetrics {
  return { cls, instances, precision: 0, recall: 0, f1: 0, map50: 0, map: 0, apPerIou: new Array<number>(nIou).fill(0), tp: 0, fp: 0 };
}

/** Overall and per-class numbers from ap_per_class's result (val.py's mp, mr, map50, map). */
function summarize(res: ApPerClass): Omit<DetectionMetrics, 'images' | 'instancesPerClass'> {
  const perClass: ClassMetrics[] = res.classes.map((cls, i) => ({
    cls,
    instances: res.nt[i]!,
    precision: res.p[i]!,
    recall: res.r[i]!,
    f1: res.f1[i]!,
    map50: res.ap[i]![0]!,
    map: mean(res.ap[i]!),
    apPerIou: res.ap[i]!,
    tp: res.tp[i]!,
    fp: res.fp[i]!,
  }));
  const map50 = mean(perClass.map((c) => c.map50));
  const map = mean(perClass.map((c) => c.map));
  const curves: MetricCurves = {
    px: CONFIDENCE_AXIS,
    classes: res.classes,
    precision: res.pCurve,
    recall: res.rCurve,
    f1: res.f1Curve,
    pr: res.prCurve,
    ap50: perClass.map((c) => c.map50),
  };
  return {
    precision: mean(res.p),
    recall: mean(res.r),
    map50,
    map,
    fitness: fitness({ map50, map }),
    perClass,
    confidence: CONFIDENCE_AXIS[res.confIndex]!,
    curves,
  };
}
