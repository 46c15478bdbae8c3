// Validation as YOLOv5's val.py: batched inference (rect letterboxing), optional val losses, NMS
// with multi-label at conf 0.001 / IoU 0.6 / max 300, boxes back in original pixels, metrics.
import { noGrad, scope } from '../torch/index.js';
import type { Yolov5Model } from '../model/build.js';
import type { Loader } from '../data/loader.js';
import type { ComputeLoss } from '../train/loss.js';
import { nonMaxSuppressionBatch, type Detections } from './nms.js';
import { scaleBoxes } from '../infer/boxes.js';
import { ConfusionMatrix, MetricsAccumulator, type DetectionMetrics } from './metrics.js';

export interface ValOptions {
  confThres?: number;
  iouThres?: number;
  maxDet?: number;
  computeLoss?: ComputeLoss;
  onBatch?: (done: number, total: number) => void;
}

export interface ValOutput {
  metrics: DetectionMetrics;
  /** mean val losses (box, obj, cls), zeros without computeLoss */
  losses: [number, number, number];
  confusion: ConfusionMatrix;
  /** milliseconds per image: pre-process (loader wait), inference, NMS */
  speed: { pre: number; inference: number; nms: number };
}

function labelsOfImage(rows: Float32Array, count: number, b: number, h: number, w: number): { cls: number[]; boxes: number[] } {
  const cls: number[] = [];
  const boxes: number[] = [];
  for (let k = 0; k < count; k++) {
    const r = rows.subarray(k * 6, k * 6 + 6);
    if (r[0] !== b) continue;
    const [cx, cy, bw, bh] = [r[2]! * w, r[3]! * h, r[4]! * w, r[5]! * h];
    cls.push(r[1]!);
    boxes.push(cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2);
  }
  return { cls, boxes };
}

export async function evaluate(model: Yolov5Model, loader: Loader, o: ValOptions = {}): Promise<ValOutput> {
  const wasTraining = model.training;
  model.eval();
  const acc = new MetricsAccumulator({ nc: model.nc, confusion: new ConfusionMatrix(model.nc) });
  const lossSums = [0, 0, 0];
  const time = { pre: 0, inference: 0, nms: 0 };
  let images = 0;
  let batches = 0;
  let t0 = performance.now();
  try {
    for await (const batch of loader.epoch(0)) {
      const t1 = performance.now();
      time.pre += t1 - t0;
      const [bs, , h, w] = batch.images.shape as [number, number, number, number];
      let dets: Detections[] = [];
      let t2 = t1;
      noGrad(() => scope(() => {
        const out = model.forward(batch.images, { decode: true });
        t2 = performance.now();
        if (o.computeLoss) {
          const l = o.computeLoss.compute(out.raw, batch.targets);
          [lossSums[0], lossSums[1], lossSums[2]] = [lossSums[0]! + l.box, lossSums[1]! + l.obj, lossSums[2]! + l.cls];
        }
        dets = nonMaxSuppressionBatch(out.pred!, { confThres: o.confThres ?? 0.001, iouThres: o.iouThres ?? 0.6, maxDet: o.maxDet ?? 300, multiLabel: true });
      }));
      time.inference += t2 - t1;
      dets.forEach((d, b) => {
        const shape = batch.shapes[b];
        const orig = shape ? shape.original : ([h, w] as [number, number]);
        const ratioPad = shape ? { ratio: shape.ratio[0], pad: shape.pad } : undefined;
        const labels = labelsOfImage(batch.targets.rows, batch.targets.count, b, h, w);
        acc.add(
          { boxes: scaleBoxes([h, w], d.boxes.slice(0, d.count * 4), orig, ratioPad), cls: d.classes.subarray(0, d.count), conf: d.scores.subarray(0, d.count) },
          { boxes: scaleBoxes([h, w], Float32Array.from(labels.boxes), orig, ratioPad), cls: labels.cls },
        );
      });
      time.nms += performance.now() - t2;
      images += bs;
      batch.images.dispose();
      o.onBatch?.(++batches, loader.length);
      t0 = performance.now();
    }
  } finally {
    model.train(wasTraining);
  }
  const n = Math.max(batches, 1);
  return {
    metrics: acc.compute(),
    losses: [lossSums[0]! / n, lossSums[1]! / n, lossSums[2]! / n],
    confusion: acc.confusion!,
    speed: { pre: time.pre / Math.max(images, 1), inference: time.inference / Math.max(images, 1), nms: time.nms / Math.max(images, 1) },
  };
}
