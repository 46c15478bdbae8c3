// Reading a training image with sharp: EXIF orientation applied, any colour type (grey, palette, RGBA,
// 16-bit, CMYK) turned into 8-bit RGB, the format found from the data (a PNG named .jpg is read as a
// PNG), and resized so the long side is imgSize (YOLOv5's load_image, which resizes up as well).
import sharp from 'sharp';
import type { RgbImage } from './augment/image.js';
import { resizeBilinear } from './augment/warp.js';
import { withSharpMessage } from './sharp-retry.js';

export interface LoadedImage {
  /** resized so that max(width, height) = imgSize */
  image: RgbImage;
  /** the size as shown (orientation applied) before resizing: [height, width] */
  original: [number, number];
}

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

/** YOLOv5's load_image size: the long side to imgSize, each side rounded up. */
export function loadSize(h0: number, w0: number, imgSize: number): [number, number] {
  const r = imgSize / Math.max(h0, w0);
  if (r === 1) return [h0, w0];
  return [Math.max(1, Math.ceil(h0 * r - 1e-9)), Math.max(1, Math.ceil(w0 * r - 1e-9))];
}

/**
 * How an image is shrunk to imgSize. `area`: anti-aliased (libvips' linear reduce after JPEG
 * shrink-on-load; close to cv2's INTER_AREA, which YOLOv5 uses for validation images). `linear`:
 * bilinear sampling of the full-size image without anti-aliasing, cv2's INTER_LINEAR, which YOLOv5
 * uses for training images (augment) — slower, as the whole picture is decoded. Enlarging is bilinear
 * in both (as YOLOv5).
 */
export type Interpolation = 'area' | 'linear';

export interface DecodeOptions {
  /** named in errors; default the path, or 'image' for bytes */
  name?: string;
  /** default area */
  interpolation?: Interpolation;
}

/** Decodes `file` (a path or the file's bytes) and resizes it for training at imgSize. */
export async function decodeImage(file: string | Buffer, imgSize: number, o: DecodeOptions = {}): Promise<LoadedImage> {
  try {
    return await withSharpMessage(() => decode(file, imgSize, o.interpolation ?? 'area'));
  } catch (e) {
    const msg = ((e as Error).message ?? String(e)).split('\n')[0];
    throw new ImageDecodeError(`${o.name ?? (typeof file === 'string' ? file : 'image')}: cannot decode the image (${msg})`);
  }
}

async function decode(file: string | Buffer, imgSize: number, interpolation: Interpolation): Promise<LoadedImage> {
  const meta = await sharp(file).metadata();
  const w0 = meta.autoOrient?.width ?? meta.width;
  const h0 = meta.autoOrient?.height ?? meta.height;
  if (!w0 || !h0) throw new Error('no image size in the file');
  const [h, w] = loadSize(h0, w0, imgSize);
  // An `area` shrink is libvips' (shrink-on-load for JPEG: fast). A `linear` shrink and enlarging
  // are ours (bilinear at cv2's pixel centres): libvips' upsampling shifts the picture by up to half
  // an output pixel, which labels would not follow.
  const shrink = (h < h0 || w < w0) && interpolation === 'area';
  let pipeline = sharp(file, { failOn: 'none' }).autoOrient().removeAlpha().toColourspace('srgb');
  if (shrink) pipeline = pipeline.resize(w, h, { fit: 'fill', kernel: 'linear' });
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const [eh, ew] = shrink ? [h, w] : [h0, w0];
  if (info.channels !== 3 || info.width !== ew || info.height !== eh) {
    throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${ew}x${eh}x3`);
  }
  const decoded = { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: ew, height: eh };
  const image = shrink || (h === h0 && w === w0) ? decoded : resizeBilinear(decoded, w, h);
  return { image, original: [h0, w0] };
}
