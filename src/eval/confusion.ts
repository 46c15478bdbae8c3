// Detection confusion matrix with YOLOv5's ConfusionMatrix semantics (v7.0): rows are predicted
// classes, columns true classes, with a last background row/column; detections above `conf`
// are paired one-to-one with labels above `iouThres` (any class), highest IoU first.
import { boxCount, boxIou, candidatePairs, uniqueMatches, type DetectionBoxes, type LabelBoxes } from './match.js';

export interface ConfusionOptions {
  /** Detections at or below this confidence are ignored (YOLOv5: 0.25). */
  conf?: number;
  /** A pair counts when its IoU is above this (YOLOv5: 0.45). */
  iouThres?: number;
}

export class ConfusionMatrix {
  readonly nc: number;
  readonly conf: number;
  readonly iouThres: number;
  /** (nc + 1) x (nc + 1), row-major, [predicted][true]; index nc is background. */
  readonly matrix: Float64Array;

  constructor(nc: number, options: ConfusionOptions = {}) {
    if (!Number.isInteger(nc) || nc < 1) throw new Error(`ConfusionMatrix: nc must be a positive integer, got ${nc}`);
    this.nc = nc;
    this.conf = options.conf ?? 0.25;
    this.iouThres = options.iouThres ?? 0.45;
    this.matrix = new Float64Array((nc + 1) * (nc + 1));
  }

  /** Count at [predicted][true] (nc = background). */
  at(pred: number, truth: number): number {
    return this.matrix[pred * (this.nc + 1) + truth]!;
  }

  private bump(pred: number, truth: number): void {
    this.matrix[pred * (this.nc + 1) + truth] += 1;
  }

  /** Labels of an image without any detection: every label is a missed (background) prediction. */
  processMissed(labelCls: ArrayLike<number>): void {
    for (let i = 0; i < labelCls.length; i++) this.bump(this.nc, labelCls[i]!);
  }

  /**
   * One image's detections and labels (pixel boxes). As in YOLOv5, detections that match no
   * label count as background predictions only when at least one pair matched in the image.
   */
  process(dets: DetectionBoxes, labels: LabelBoxes): void {
    const keep: number[] = [];
    for (let i = 0; i < boxCount(dets); i++) if (dets.conf[i]! > this.conf) keep.push(i);
    const boxes = new Float64Array(keep.length * 4);
    keep.forEach((d, k) => { for (let c = 0; c < 4; c++) boxes[k * 4 + c] = dets.boxes[d * 4 + c]!; });
    const detCls = keep.map((d) => Math.trunc(dets.cls[d]!));
    const nl = boxCount(labels);
    const iou = boxIou(labels.boxes, boxes);
    const matches = uniqueMatches(candidatePairs(iou, nl, keep.length, (_l, _d, v) => v > this.iouThres), true);
    const any = matches.length > 0;
    for (let l = 0; l < nl; l++) {
      const gc = Math.trunc(labels.cls[l]!);
      const hits = matches.filter((m) => m.label === l);
      if (any && hits.length === 1) this.bump(detCls[hits[0]!.det]!, gc);
      else this.bump(this.nc, gc);
    }
    if (!any) return;
    const matched = new Set(matches.map((m) => m.det));
    detCls.forEach((dc, d) => { if (!matched.has(d)) this.bump(dc, this.nc); });
  }

  /** True positives and false positives per class, from the diagonal (YOLOv5 tp_fp, background excluded). */
  tpFp(): { tp: number[]; fp: number[] } {
    const tp: number[] = [];
    const fp: number[] = [];
    for (let c = 0; c < this.nc; c++) {
      let row = 0;
      for (let t = 0; t <= this.nc; t++) row += this.at(c, t);
      tp.push(this.at(c, c));
      fp.push(row - this.at(c, c));
    }
    return { tp, fp };
  }

  /** The matrix with each column divided by its sum (+1e-9), as YOLOv5 plots it. */
  normalized(): Float64Array {
    const n = this.nc + 1;
    const out = new Float64Array(this.matrix.length);
    for (let t = 0; t < n; t++) {
      let sum = 0;
      for (let p = 0; p < n; p++) sum += this.matrix[p * n + t]!;
      for (let p = 0; p < n; p++) out[p * n + t] = this.matrix[p * n + t]! / (sum + 1e-9);
    }
    return out;
  }
}
