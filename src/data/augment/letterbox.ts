// YOLOv5's letterbox: resize to fit newShape keeping the aspect ratio (never up unless scaleup), then
// pad with 114 to exactly newShape (auto=False, scaleFill=False: what the training loader uses).
import { blit, newImage, type RgbImage } from './image.js';
import { resizeBilinear } from './warp.js';

export interface LetterboxResult {
  image: RgbImage;
  /** scale applied (same for width and height) */
  ratio: number;
  /**
   * where the resized image starts: [left, top] in output pixels. YOLOv5 moves labels by its fractional
   * (dw, dh); the integer offset is where the pixels really are, so labels use it here.
   */
  pad: [number, number];
}

/** newShape is [height, width]. */
export function letterbox(img: RgbImage, newShape: [number, number], scaleup = true): LetterboxResult {
  const [nh, nw] = newShape;
  let r = Math.min(nh / img.height, nw / img.width);
  if (!scaleup) r = Math.min(r, 1);
  const uw = Math.round(img.width * r), uh = Math.round(img.height * r);
  const dw = (nw - uw) / 2, dh = (nh - uh) / 2;
  const resized = uw !== img.width || uh !== img.height ? resizeBilinear(img, uw, uh) : img;
  const top = Math.max(0, Math.round(dh - 0.1)), left = Math.max(0, Math.round(dw - 0.1));
  const out = newImage(nw, nh);
  blit(resized, out, 0, 0, left, top, Math.min(uw, nw - left), Math.min(uh, nh - top));
  return { image: out, ratio: r, pad: [left, top] };
}
