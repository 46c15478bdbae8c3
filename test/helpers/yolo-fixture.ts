// Synthetic detection data for the pipeline tests: images of solid coloured boxes on a dark
// background (one colour per class, so a box can be found again from the pixels), written as a
// YOLO-layout dataset (images/, labels/, data.yaml) or kept in memory.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../src/data/augment/image.js';

/** Saturated colours far from each other, from the grey background and from the 114 border. */
export const CLASS_COLOURS: [number, number, number][] = [
  [230, 30, 30], [30, 220, 30], [40, 40, 240], [240, 230, 20], [20, 230, 230], [230, 20, 230], [250, 140, 0], [140, 0, 250],
];
export const BACKGROUND: [number, number, number] = [40, 40, 40];

export interface FixtureBox {
  cls: number;
  /** pixel edges: the box covers pixels x1..x2-1, y1..y2-1 */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export function boxImage(width: number, height: number, boxes: readonly FixtureBox[]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(BACKGROUND, i * 3);
  for (const b of boxes) {
    for (let y = b.y1; y < b.y2; y++) for (let x = b.x1; x < b.x2; x++) data.set(CLASS_COLOURS[b.cls]!, (y * width + x) * 3);
  }
  return { data, width, height };
}

/** Rows [cls, cx, cy, w, h] normalised. */
export function normalisedLabels(boxes: readonly FixtureBox[], width: number, height: number): Float32Array {
  return Float32Array.from(boxes.flatMap((b) => [b.cls, (b.x1 + b.x2) / 2 / width, (b.y1 + b.y2) / 2 / height, (b.x2 - b.x1) / width, (b.y2 - b.y1) / height]));
}

/** The bounding box [x1, y1, x2, y2] (pixel edges) of pixels near `colour` inside `region`, or null. */
export function findColourBox(img: RgbImage, colour: readonly number[], region?: readonly number[], tol = 70): [number, number, number, number] | null {
  const [rx1, ry1, rx2, ry2] = region ?? [0, 0, img.width, img.height];
  const x0 = Math.max(0, Math.floor(rx1!)), y0 = Math.max(0, Math.floor(ry1!));
  const xe = Math.min(img.width, Math.ceil(rx2!)), ye = Math.min(img.height, Math.ceil(ry2!));
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let y = y0; y < ye; y++) {
    for (let x = x0; x < xe; x++) {
      const i = (y * img.width + x) * 3;
      const d = Math.max(Math.abs(img.data[i]! - colour[0]!), Math.abs(img.data[i + 1]! - colour[1]!), Math.abs(img.data[i + 2]! - colour[2]!));
      if (d > tol) continue;
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x + 1);
      maxY = Math.max(maxY, y + 1);
    }
  }
  return minX === Infinity ? null : [minX, minY, maxX, maxY];
}

/**
 * The bounding box of the 4-connected region of pixels near `colour` that contains (or, within 2 px,
 * touches) the point (x, y), limited to `region`; null when there is none. Unlike findColourBox, a
 * neighbouring box of the same colour is not merged in unless it touches.
 */
export function findColourRegion(img: RgbImage, colour: readonly number[], x: number, y: number, region: readonly number[], tol = 70): [number, number, number, number] | null {
  const x0 = Math.max(0, Math.floor(region[0]!)), y0 = Math.max(0, Math.floor(region[1]!));
  const xe = Math.min(img.width, Math.ceil(region[2]!)), ye = Math.min(img.height, Math.ceil(region[3]!));
  const near = (px: number, py: number) => {
    const i = (py * img.width + px) * 3;
    return Math.max(Math.abs(img.data[i]! - colour[0]!), Math.abs(img.data[i + 1]! - colour[1]!), Math.abs(img.data[i + 2]! - colour[2]!)) <= tol;
  };
  const seen = new Uint8Array(img.width * img.height);
  const stack: number[] = [];
  for (let dy = -2; dy <= 2 && stack.length === 0; dy++) {
    for (let dx = -2; dx <= 2 && stack.length === 0; dx++) {
      const px = Math.floor(x) + dx, py = Math.floor(y) + dy;
      if (px >= x0 && py >= y0 && px < xe && py < ye && near(px, py)) stack.push(px, py);
    }
  }
  if (stack.length === 0) return null;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  while (stack.length) {
    const py = stack.pop()!, px = stack.pop()!;
    if (px < x0 || py < y0 || px >= xe || py >= ye || seen[py * img.width + px] || !near(px, py)) continue;
    seen[py * img.width + px] = 1;
    minX = Math.min(minX, px);
    minY = Math.min(minY, py);
    maxX = Math.max(maxX, px + 1);
    maxY = Math.max(maxY, py + 1);
    stack.push(px + 1, py, px - 1, py, px, py + 1, px, py - 1);
  }
  return [minX, minY, maxX, maxY];
}

export function iou(a: readonly number[], b: readonly number[]): number {
  const iw = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const ih = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = iw * ih;
  const area = (r: readonly number[]) => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  return inter / (area(a) + area(b) - inter);
}

export interface FixtureImage {
  name: string;
  width: number;
  height: number;
  boxes: FixtureBox[];
  format?: 'png' | 'jpeg';
}

/** Up to 3 non-overlapping boxes of random classes and sizes (a tiny LCG keeps it reproducible). */
export function randomFixtureImages(count: number, seed = 1, nc = 3): FixtureImage[] {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: count }, (_, i) => {
    const width = 80 + Math.floor(rand() * 120), height = 80 + Math.floor(rand() * 120);
    const boxes: FixtureBox[] = [];
    const cols = 3; // one box per vertical third: never overlapping
    for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) {
      const cw = Math.floor(width / cols);
      const bw = Math.max(12, Math.floor(cw * (0.4 + 0.5 * rand()))), bh = Math.max(12, Math.floor(height * (0.2 + 0.6 * rand())));
      const x1 = k * cw + Math.floor(rand() * (cw - bw)), y1 = Math.floor(rand() * (height - bh));
      boxes.push({ cls: Math.floor(rand() * nc), x1, y1, x2: x1 + bw, y2: y1 + bh });
    }
    return { name: `img${String(i).padStart(3, '0')}.${i % 2 ? 'jpg' : 'png'}`, width, height, boxes, format: i % 2 ? 'jpeg' : 'png' };
  });
}

/** Writes `root/images/*`, `root/labels/*.txt`, `root/data.yaml` (train and val: images/); returns the yaml path. */
export async function writeYoloDataset(root: string, images: readonly FixtureImage[], names: readonly string[]): Promise<string> {
  mkdirSync(path.join(root, 'images'), { recursive: true });
  mkdirSync(path.join(root, 'labels'), { recursive: true });
  for (const im of images) {
    const img = boxImage(im.width, im.height, im.boxes);
    let s = sharp(Buffer.from(img.data), { raw: { width: im.width, height: im.height, channels: 3 } });
    s = (im.format ?? 'png') === 'png' ? s.png() : s.jpeg({ quality: 95 });
    writeFileSync(path.join(root, 'images', im.name), await s.toBuffer());
    const rows = normalisedLabels(im.boxes, im.width, im.height);
    const lines: string[] = [];
    for (let k = 0; k < rows.length; k += 5) lines.push([rows[k]!, ...Array.from(rows.subarray(k + 1, k + 5), (v) => v.toFixed(6))].join(' '));
    writeFileSync(path.join(root, 'labels', im.name.replace(/\.[^.]+$/, '.txt')), lines.map((l) => `${l}\n`).join(''));
  }
  const yaml = path.join(root, 'data.yaml');
  writeFileSync(yaml, `path: .\ntrain: images\nval: images\nnc: ${names.length}\nnames: [${names.join(', ')}]\n`);
  return yaml;
}
