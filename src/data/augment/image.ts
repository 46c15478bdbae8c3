// The image and label types every augmentation works on: raw 8-bit RGB, rows of pixels (HWC), and
// labels as rows [cls, x1, y1, x2, y2] in pixels of that image (YOLOv5's layout during augmentation).

export interface RgbImage {
  /** height * width * 3 bytes, row by row, R G B per pixel */
  data: Uint8Array;
  width: number;
  height: number;
}

/** Rows [cls, x1, y1, x2, y2] in pixels, 5 numbers per label. */
export type PixelLabels = Float32Array;

/** YOLOv5's fill colour for padding and warped-in borders. */
export const BORDER_VALUE = 114;

export const LABEL_STRIDE = 5;

export function labelCount(labels: Float32Array): number {
  return labels.length / LABEL_STRIDE;
}

export function newImage(width: number, height: number, fill = BORDER_VALUE): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, not ${width}x${height}`);
  }
  const data = new Uint8Array(width * height * 3);
  if (fill !== 0) data.fill(fill);
  return { data, width, height };
}

export function checkImage(img: RgbImage, where: string): void {
  if (img.data.length !== img.width * img.height * 3) {
    throw new RangeError(`${where}: ${img.data.length} bytes for a ${img.width}x${img.height} RGB image`);
  }
}

/** Copies the rectangle [sx, sy, sx+w, sy+h) of src to (dx, dy) of dst; the caller keeps it inside both. */
export function blit(src: RgbImage, dst: RgbImage, sx: number, sy: number, dx: number, dy: number, w: number, h: number): void {
  if (w <= 0 || h <= 0) return;
  const rowBytes = w * 3;
  for (let y = 0; y < h; y++) {
    const from = ((sy + y) * src.width + sx) * 3;
    dst.data.set(src.data.subarray(from, from + rowBytes), ((dy + y) * dst.width + dx) * 3);
  }
}

/** HWC RGB → CHW planes (the layout of a model input), as bytes. */
export function toChw(img: RgbImage, out = new Uint8Array(img.data.length)): Uint8Array {
  const n = img.width * img.height;
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = d[j]!;
    out[n + i] = d[j + 1]!;
    out[2 * n + i] = d[j + 2]!;
  }
  return out;
}
