// train_batch0.jpg-style pictures of a batch: the images in a grid, each with its file name, and every
// target drawn as a box with its class name, so a person can see that the labels follow the pixels.
// The grid is assembled as raw bytes, scaled with sharp, and the boxes are an SVG overlay on top.
import sharp from 'sharp';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import type * as T from '../torch/index.js';
import type { Targets } from '../train/targets.js';
import { escapeXml } from './formats/voc.js';

export interface BatchToPlot {
  /** [bs, 3, H, W] float 0..1 */
  images: T.Tensor;
  targets: Targets;
  paths?: readonly string[];
}

export interface PlotOptions {
  names: readonly string[];
  /** the longest side of the picture (YOLOv5: 1920) */
  maxSize?: number;
  /** images drawn at most (YOLOv5: 16) */
  maxSubplots?: number;
  /** JPEG quality */
  quality?: number;
}

export interface GridLayout {
  count: number;
  cols: number;
  rows: number;
  /** tile size in the output, pixels */
  tileW: number;
  tileH: number;
  scale: number;
}

export function gridLayout(bs: number, h: number, w: number, maxSize: number, maxSubplots: number): GridLayout {
  const count = Math.min(bs, maxSubplots);
  const cols = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const scale = Math.min(1, maxSize / cols / Math.max(h, w));
  return { count, cols, rows, tileW: Math.ceil(w * scale), tileH: Math.ceil(h * scale), scale };
}

/** Class colours: evenly spaced hues, alternating two lightness levels so neighbours differ. */
export function classColour(cls: number): string {
  const hue = Math.round((cls * 137.508) % 360);
  return `hsl(${hue}, 90%, ${cls % 2 ? 40 : 55}%)`;
}

/** Writes the picture (JPEG) and returns its size. */
export async function plotBatch(batch: BatchToPlot, file: string, o: PlotOptions): Promise<{ width: number; height: number }> {
  const [bs, c, h, w] = batch.images.shape as [number, number, number, number];
  if (c !== 3) throw new RangeError(`plotBatch: expected images [bs, 3, H, W], got [${batch.images.shape.join(', ')}]`);
  const g = gridLayout(bs, h, w, o.maxSize ?? 1920, o.maxSubplots ?? 16);
  const raw = gridBytes(batch.images.data() as Float32Array, g, h, w);
  const width = g.cols * g.tileW, height = g.rows * g.tileH;
  const svg = overlaySvg(batch, g, o.names);
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await sharp(raw, { raw: { width: g.cols * w, height: g.rows * h, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: o.quality ?? 90 })
    .toFile(file);
  return { width, height };
}

/** The full-resolution grid (white where there is no image), HWC bytes. */
function gridBytes(data: Float32Array, g: GridLayout, h: number, w: number): Buffer {
  const W = g.cols * w;
  const out = Buffer.alloc(W * g.rows * h * 3, 255);
  const plane = h * w;
  for (let i = 0; i < g.count; i++) {
    const ox = (i % g.cols) * w, oy = Math.floor(i / g.cols) * h;
    const base = i * 3 * plane;
    for (let y = 0; y < h; y++) {
      let at = ((oy + y) * W + ox) * 3;
      for (let x = 0, k = base + y * w; x < w; x++, k++, at += 3) {
        out[at] = data[k]! * 255 + 0.5;
        out[at + 1] = data[k + plane]! * 255 + 0.5;
        out[at + 2] = data[k + 2 * plane]! * 255 + 0.5;
      }
    }
  }
  return out;
}

function overlaySvg(batch: BatchToPlot, g: GridLayout, names: readonly string[]): string {
  const width = g.cols * g.tileW, height = g.rows * g.tileH;
  const font = Math.max(10, Math.round(Math.min(g.tileW, g.tileH) / 28));
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif" font-size="${font}">`];
  for (let i = 0; i < g.count; i++) {
    const ox = (i % g.cols) * g.tileW, oy = Math.floor(i / g.cols) * g.tileH;
    parts.push(`<rect x="${ox}" y="${oy}" width="${g.tileW}" height="${g.tileH}" fill="none" stroke="white" stroke-width="2"/>`);
    const p = batch.paths?.[i];
    if (p) parts.push(label(path.basename(p).slice(0, 40), ox + 3, oy + 3, font, 'rgb(220,220,220)', 'black'));
  }
  const t = batch.targets;
  for (let r = 0; r < t.count; r++) {
    const [img, cls, cx, cy, bw, bh] = Array.from(t.rows.subarray(r * 6, r * 6 + 6)) as [number, number, number, number, number, number];
    if (img >= g.count) continue;
    const ox = (img % g.cols) * g.tileW, oy = Math.floor(img / g.cols) * g.tileH;
    const x1 = ox + (cx - bw / 2) * g.tileW, y1 = oy + (cy - bh / 2) * g.tileH;
    const colour = classColour(cls);
    parts.push(`<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${(bw * g.tileW).toFixed(1)}" height="${(bh * g.tileH).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    parts.push(label(names[cls] ?? `class ${cls}`, x1, Math.max(oy, y1 - font - 4), font, colour, 'white'));
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Text on a filled box (the box width estimated from the character count). */
function label(text: string, x: number, y: number, font: number, fill: string, ink: string): string {
  const w = Math.ceil(text.length * font * 0.62) + 4;
  return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w}" height="${font + 4}" fill="${fill}"/>` +
    `<text x="${(x + 2).toFixed(1)}" y="${(y + font).toFixed(1)}" fill="${ink}">${escapeXml(text)}</text>`;
}
