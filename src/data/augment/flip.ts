// Horizontal and vertical flips of the image and its labels (YOLOv5's fliplr / flipud), in place.
import { LABEL_STRIDE, type PixelLabels, type RgbImage } from './image.js';

export function flipLeftRight(img: RgbImage, labels: PixelLabels): void {
  const { width: w, height: h, data: d } = img;
  for (let y = 0; y < h; y++) {
    let a = y * w * 3, b = a + (w - 1) * 3;
    for (; a < b; a += 3, b -= 3) {
      for (let c = 0; c < 3; c++) {
        const t = d[a + c]!;
        d[a + c] = d[b + c]!;
        d[b + c] = t;
      }
    }
  }
  for (let i = 0; i < labels.length; i += LABEL_STRIDE) {
    const x1 = labels[i + 1]!;
    labels[i + 1] = w - labels[i + 3]!;
    labels[i + 3] = w - x1;
  }
}

export function flipUpDown(img: RgbImage, labels: PixelLabels): void {
  const { width: w, height: h, data: d } = img;
  const row = w * 3;
  const tmp = new Uint8Array(row);
  for (let y = 0; y < h >> 1; y++) {
    const a = y * row, b = (h - 1 - y) * row;
    tmp.set(d.subarray(a, a + row));
    d.copyWithin(a, b, b + row);
    d.set(tmp, b);
  }
  for (let i = 0; i < labels.length; i += LABEL_STRIDE) {
    const y1 = labels[i + 2]!;
    labels[i + 2] = h - labels[i + 4]!;
    labels[i + 4] = h - y1;
  }
}
