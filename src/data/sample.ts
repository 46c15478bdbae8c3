// One training or validation image, as YOLOv5's LoadImagesAndLabels.__getitem__ makes it: a mosaic
// (with mixup) or a letterboxed single image (with random_perspective when augmenting), then HSV and
// flips, labels carried along and returned as [cls, cx, cy, w, h] normalised to the output.
// Pure given (dataset labels, images, task): every random draw comes from the task's own seed, so a
// sample is the same whichever thread makes it.
import { Rng } from './rng.js';
import {
  augmentHsv, flipLeftRight, flipUpDown, letterbox, mixup, mosaic4, mosaicCentre, mosaicIndices,
  randomPerspective, xywhnToXyxy, xyxyToXywhn, type AugmentHyp, type PixelLabels, type RgbImage,
} from './augment/index.js';
import type { ImageSource } from './image-source.js';

export interface SampleConfig {
  imgSize: number;
  augment: boolean;
  /** rectangular batches: no mosaic, each image letterboxed into its batch's shape */
  rect: boolean;
  hyp: AugmentHyp;
}

export interface SampleTask {
  index: number;
  seed: number;
  /** [height, width] the image must fill (rect batches); default imgSize × imgSize */
  shape?: [number, number];
}

/** How a letterboxed image relates to its file (null for mosaics, as in YOLOv5). */
export interface SampleShape {
  /** [height, width] of the file as shown */
  original: [number, number];
  /** [height, width] scale from the file to the output */
  ratio: [number, number];
  /** [left, top] padding in output pixels */
  pad: [number, number];
}

export interface Sample {
  index: number;
  image: RgbImage;
  /** rows [cls, cx, cy, w, h] normalised to `image` */
  labels: Float32Array;
  shape: SampleShape | null;
}

export interface SampleContext {
  /** per image, rows [cls, cx, cy, w, h] normalised (the dataset's labels) */
  labels: readonly Float32Array[];
  images: ImageSource;
  config: SampleConfig;
}

export async function makeSample(task: SampleTask, ctx: SampleContext): Promise<Sample> {
  const { config: c } = ctx;
  const rng = new Rng(task.seed);
  let image: RgbImage;
  let labels: PixelLabels;
  let shape: SampleShape | null = null;
  if (c.augment && !c.rect && rng.random() < c.hyp.mosaic) {
    ({ image, labels } = await loadMosaic(task.index, ctx, rng));
    if (rng.random() < c.hyp.mixup) {
      const other = await loadMosaic(rng.int(ctx.labels.length), ctx, rng);
      ({ image, labels } = mixup({ image, labels }, other, rng));
    }
  } else {
    const single = await loadLetterboxed(task, ctx);
    ({ image, labels, shape } = single);
    if (c.augment) ({ image, labels } = randomPerspective(image, labels, c.hyp, rng));
  }
  if (c.augment) {
    augmentHsv(image, c.hyp, rng);
    if (rng.random() < c.hyp.flipud) flipUpDown(image, labels);
    if (rng.random() < c.hyp.fliplr) flipLeftRight(image, labels);
  }
  return { index: task.index, image, labels: xyxyToXywhn(labels, image.width, image.height, true, 1e-3), shape };
}

async function loadMosaic(index: number, ctx: SampleContext, rng: Rng): Promise<{ image: RgbImage; labels: PixelLabels }> {
  const s = ctx.config.imgSize;
  const centre = mosaicCentre(s, rng);
  const indices = mosaicIndices(index, ctx.labels.length, rng);
  const loaded = await Promise.all(indices.map((i) => ctx.images(i)));
  const canvas = mosaic4(loaded.map((l, k) => ({ image: l.image, labels: ctx.labels[indices[k]!]! })), s, centre);
  return randomPerspective(canvas.image, canvas.labels, ctx.config.hyp, rng, [-s / 2, -s / 2]);
}

/** letterbox() always writes a new image, so the (possibly cached, shared) source is never changed. */
async function loadLetterboxed(task: SampleTask, ctx: SampleContext): Promise<{ image: RgbImage; labels: PixelLabels; shape: SampleShape }> {
  const { imgSize, augment } = ctx.config;
  const { image: img, original } = await ctx.images(task.index);
  const lb = letterbox(img, task.shape ?? [imgSize, imgSize], augment);
  // the pixels were resized to the rounded size: labels follow them there
  const w = Math.round(img.width * lb.ratio), h = Math.round(img.height * lb.ratio);
  const labels = xywhnToXyxy(ctx.labels[task.index]!, w, h, lb.pad[0], lb.pad[1]);
  const ratio: [number, number] = [h / original[0], w / original[1]];
  return { image: lb.image, labels, shape: { original, ratio, pad: lb.pad } };
}
