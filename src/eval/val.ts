// Validation as YOLOv5's val.py: batched inference (rect letterboxing), optional val losses, NMS
// with multi-label at conf 0.001 / IoU 0.6 / max 300, boxes back in original pixels, metrics.
import { noGrad, scope } from '../torch/index.js';
import { Yolov5Model } from '../model/build.js';
import type { Engine } from '../infer/engines/index.js';
import type { Loader, LoaderBatch } from '../data/loader.js';
import type { ComputeLoss } from '../train/loss.js';
import { nonMaxSuppressionBatch, nonMaxSuppressionEach, type Detections } from './nms.js';
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

/** Metrics of a model (a Yolov5Model, or any inference engine such as an ONNX export) over a loader. */
export async function evaluate(model: Yolov5Model | Engine, loader: Loader, o: ValOptions = {}): Promise<ValOutput> {
  if (!(model instanceof Yolov5Model)) {
    if (o.computeLoss) throw new RangeError('val losses need the model itself, not an exported one');
    const r = await evaluateWith(loader, model.names.length, () => {}, async (images) => {
      const out = await model.run(images.data() as Float32Array, images.shape as [number, number, number, number]);
      const forwardEnd = performance.now();
      return { forwardEnd, dets: nonMaxSuppressionEach(out.pred, out.dims, nmsOf(o)) };
    }, o);
    return r.output;
  }
  const wasTraining = model.training;
  model.eval();
  const lossSums = [0, 0, 0];
  const r = await evaluateWith(loader, model.nc, () => model.train(wasTraining), async (images, targets) => noGrad(() => scope(() => {
    const out = model.forward(images, { decode: true });
    const forwardEnd = performance.now();
    if (o.computeLoss) {
      const l = o.computeLoss.compute(out.raw, targets);
      [lossSums[0], lossSums[1], lossSums[2]] = [lossSums[0]! + l.box, lossSums[1]! + l.obj, lossSums[2]! + l.cls];
    }
    return { forwardEnd, dets: nonMaxSuppressionBatch(out.pred!, nmsOf(o)) };
  })), o);
  const n = Math.max(r.batches, 1);
  return { ...r.output, losses: [lossSums[0]! / n, lossSums[1]! / n, lossSums[2]! / n] };
}

function nmsOf(o: ValOptions) {
  return { confThres: o.confThres ?? 0.001, iouThres: o.iouThres ?? 0.6, maxDet: o.maxDet ?? 300, multiLabel: true };
}

/** One batch through the model: detections per image, and when the forward pass ended (the rest is NMS). */
type Infer = (images: LoaderBatch['images'], targets: LoaderBatch['targets']) => Promise<{ dets: Detections[]; forwardEnd: number }>;

async function evaluateWith(loader: Loader, nc: number, restore: () => void, infer: Infer, o: ValOptions): Promise<{ output: ValOutput; batches: number }> {
  const acc = new MetricsAccumulator({ nc, confusion: new ConfusionMatrix(nc) });
  const time = { pre: 0, inference: 0, nms: 0 };
  let images = 0;
  let batches = 0;
  let t0 = performance.now();
  try {
    for await (const batch of loader.epoch(0)) {
      const t1 = performance.now();
      time.pre += t1 - t0;
      const [bs, , h, w] = batch.images.shape as [number, number, number, number];
      const { dets, forwardEnd: t2 } = await infer(batch.images, batch.targets);
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
      batches++;
      o.onBatch?.(batches, loader.length);
      t0 = performance.now();
    }
  } finally {
    restore();
  }
  const output: ValOutput = {
    metrics: acc.compute(),
    losses: [0, 0, 0],
    confusion: acc.confusion!,
    speed: { pre: time.pre / Math.max(images, 1), inference: time.inference / Math.max(images, 1), nms: time.nms / Math.max(images, 1) },
  };
  return { output, batches };
}
