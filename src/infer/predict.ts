// Prediction, the library API under `detect` and auto-labelling: a model on an inference engine
// (libtorch for .pt/.safetensors, fused like detect.py; ONNX Runtime for .onnx), images from a source,
// and per image its detections in original-image pixels.
// One image at a time: decode + letterbox (rect, detect.py's default), forward, NMS, scale_boxes.
import { resolveDevice } from '../torch/runtime.js';
import type { Yolov5Model } from '../model/build.js';
import { openEngine, LibtorchEngine, type Engine } from './engines/index.js';
import { nonMaxSuppression, type NmsOptions } from '../eval/nms.js';
import { ImageDecodeError, preprocessImage, type RgbImage } from './preprocess.js';
import { scaleBoxes } from './boxes.js';
import { expandSource, SourceError, type ExpandedSource } from './sources.js';

export class PredictError extends Error {
  override name = 'PredictError';
}

export interface PredictOptions {
  /** checkpoint: an official YOLOv5 .pt or our .safetensors */
  weights?: string;
  /** or a model already loaded (not disposed by predict) */
  model?: Yolov5Model;
  /** image file, folder, glob or .txt list, or several */
  source: string | readonly string[];
  /** inference size: one number (square) or [h, w]; rounded up to a stride multiple (default 640) */
  img?: number | readonly number[];
  confThres?: number;
  iouThres?: number;
  maxDet?: number;
  classes?: readonly number[] | null;
  agnosticNms?: boolean;
  /** 'cpu' (default) */
  device?: string;
  /** pad only to a stride multiple (detect.py's default, true) or to the full square */
  rect?: boolean;
  /** fold BatchNorm into the convolutions when loading --weights (detect.py does; default true) */
  fuse?: boolean;
  /** return the decoded images (to draw on them) */
  keepImages?: boolean;
}

export interface Detection {
  /** x1 y1 x2 y2 in original-image pixels (clipped, not rounded) */
  box: [number, number, number, number];
  conf: number;
  cls: number;
  name: string;
}

export interface Speed {
  /** decode, letterbox and input tensor, ms */
  pre: number;
  /** forward pass, ms */
  inference: number;
  /** NMS and box scaling, ms */
  nms: number;
}

export interface ImagePrediction {
  kind: 'image';
  path: string;
  /** 1-based position in the source, of `total` */
  index: number;
  total: number;
  /** the upright original's size */
  width: number;
  height: number;
  /** the network input [h, w] */
  inputShape: [number, number];
  detections: Detection[];
  speed: Speed;
  image?: RgbImage;
}

export interface SkippedImage {
  kind: 'skipped';
  path: string;
  index: number;
  total: number;
  reason: string;
}

export type PredictEvent = ImagePrediction | SkippedImage;

export interface PredictResult {
  names: string[];
  /** the inference size actually used [h, w] */
  imgSize: [number, number];
  images: ImagePrediction[];
  skipped: SkippedImage[];
  /** mean per image over the predicted images */
  speed: Speed;
}

/** YOLOv5's check_img_size: each side rounded up to a multiple of the largest stride. */
export function checkImgSize(img: number | readonly number[] = 640, stride = 32): [number, number] {
  const sides = typeof img === 'number' ? [img, img] : img.length === 1 ? [img[0]!, img[0]!] : [...img];
  if (sides.length !== 2 || sides.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new PredictError(`image size must be one or two positive integers, got ${JSON.stringify(img)}`);
  }
  const up = (s: number): number => Math.max(Math.ceil(s / stride) * stride, stride);
  return [up(sides[0]!), up(sides[1]!)];
}

export { resolveDevice };

/** A model on an inference engine, and the settings to run it on images. */
export class Predictor {
  readonly imgSize: [number, number];
  /** why the inference size differs from the one asked for ('' when it does not) */
  readonly notice: string;
  private readonly nms: NmsOptions;
  private readonly rect: boolean;

  constructor(readonly engine: Engine, private readonly opts: Omit<PredictOptions, 'source'>, private readonly owned: boolean) {
    if (engine.batch !== null && engine.batch !== 1) {
      throw new PredictError(`${engine.file || 'the model'} takes batches of ${engine.batch}; prediction runs one image at a time: export it again with --batch 1 or --dynamic`);
    }
    const asked = checkImgSize(opts.img, engine.stride);
    this.imgSize = engine.inputSize ? [...engine.inputSize] : asked;
    this.notice = engine.inputSize && (asked[0] !== engine.inputSize[0] || asked[1] !== engine.inputSize[1])
      ? `${engine.file} was exported for ${engine.inputSize[0]}x${engine.inputSize[1]} images: using that size instead of ${asked[0]}x${asked[1]}`
      : '';
    // a fixed-size export needs the full letterbox; otherwise pad only to a stride multiple (detect.py's default)
    this.rect = engine.inputSize ? false : (opts.rect ?? true);
    this.nms = { confThres: opts.confThres, iouThres: opts.iouThres, maxDet: opts.maxDet ?? 1000, classes: opts.classes, agnostic: opts.agnosticNms };
  }

  /** Opens --weights on its engine (.pt/.safetensors on libtorch, fused unless `fuse: false`; .onnx on ONNX Runtime), or wraps `model`. */
  static async open(opts: Omit<PredictOptions, 'source'>): Promise<Predictor> {
    resolveDevice(opts.device);
    if (opts.model) return new Predictor(new LibtorchEngine(opts.model), opts, false);
    if (!opts.weights) throw new PredictError('no model: give weights or model');
    const engine = await openEngine(opts.weights, { fuse: opts.fuse ?? true });
    try {
      return new Predictor(engine, opts, true);
    } catch (e) {
      await engine.dispose();
      throw e;
    }
  }

  get names(): string[] {
    return this.engine.names;
  }

  /** Detections for one image (file or encoded bytes); throws ImageDecodeError when it cannot be read. */
  async predictImage(input: string | Buffer): Promise<Omit<ImagePrediction, 'kind' | 'path' | 'index' | 'total'>> {
    const t0 = performance.now();
    const p = await preprocessImage(input, this.imgSize, { auto: this.rect, stride: this.engine.stride });
    const { width: w, height: h } = p.geometry;
    const t1 = performance.now();
    const out = await this.engine.run(p.chw, [1, 3, h, w]);
    const t2 = performance.now();
    const d = nonMaxSuppression(out.pred, out.dims[1], out.dims[2], this.nms);
    const boxes = scaleBoxes([h, w], d.boxes, [p.image.height, p.image.width]);
    const detections = Array.from({ length: d.count }, (_, k): Detection => ({
      box: [boxes[k * 4]!, boxes[k * 4 + 1]!, boxes[k * 4 + 2]!, boxes[k * 4 + 3]!],
      conf: d.scores[k]!,
      cls: d.classes[k]!,
      name: this.names[d.classes[k]!] ?? String(d.classes[k]),
    }));
    const t3 = performance.now();
    return {
      width: p.image.width,
      height: p.image.height,
      inputShape: [h, w],
      detections,
      speed: { pre: t1 - t0, inference: t2 - t1, nms: t3 - t2 },
      image: this.opts.keepImages ? p.image : undefined,
    };
  }

  /** One event per file: its detections, or why it was skipped (an unreadable image). */
  async *predictFiles(files: readonly string[]): AsyncGenerator<PredictEvent> {
    for (const [i, path] of files.entries()) {
      const where = { path, index: i + 1, total: files.length };
      try {
        yield { kind: 'image', ...where, ...(await this.predictImage(path)) };
      } catch (e) {
        if (!(e instanceof ImageDecodeError)) throw e;
        yield { kind: 'skipped', ...where, reason: e.message };
      }
    }
  }

  async dispose(): Promise<void> {
    if (this.owned) await this.engine.dispose();
  }
}

/** The image files of a source (and the named non-images left out); throws SourceError when there are none. */
export function sourceFiles(source: string | readonly string[]): ExpandedSource {
  const expanded = expandSource(source);
  if (expanded.files.length === 0) throw new SourceError(`no images found in ${typeof source === 'string' ? source : source.join(', ')}`);
  return expanded;
}

/** Streams predictions for every image of `opts.source`. */
export async function* predictStream(opts: PredictOptions): AsyncGenerator<PredictEvent> {
  const { files } = sourceFiles(opts.source);
  const predictor = await Predictor.open(opts);
  try {
    yield* predictor.predictFiles(files);
  } finally {
    await predictor.dispose();
  }
}

/** Predicts every image of `opts.source`: detections per image, skipped files, mean speed. */
export async function predict(opts: PredictOptions): Promise<PredictResult> {
  const { files } = sourceFiles(opts.source);
  const predictor = await Predictor.open(opts);
  const images: ImagePrediction[] = [];
  const skipped: SkippedImage[] = [];
  try {
    for await (const ev of predictor.predictFiles(files)) {
      if (ev.kind === 'image') images.push(ev);
      else skipped.push(ev);
    }
    return { names: predictor.names, imgSize: predictor.imgSize, images, skipped, speed: meanSpeed(images) };
  } finally {
    await predictor.dispose();
  }
}

export function meanSpeed(images: readonly { speed: Speed }[]): Speed {
  const n = Math.max(images.length, 1);
  const sum = (k: keyof Speed): number => images.reduce((s, im) => s + im.speed[k], 0) / n;
  return { pre: sum('pre'), inference: sum('inference'), nms: sum('nms') };
}
