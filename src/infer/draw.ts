// Annotated images: boxes with "name conf" labels, drawn as an SVG overlay composited onto the
// decoded image by sharp, then written in the format the file name asks for.
import path from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from './preprocess.js';

export interface DrawnBox {
  /** x1 y1 x2 y2 in the image's pixels */
  box: readonly [number, number, number, number];
  cls: number;
  conf: number;
}

export interface DrawOptions {
  /** box line width in pixels (YOLOv5 detect.py: 3) */
  lineWidth?: number;
  hideLabels?: boolean;
  hideConf?: boolean;
}

/** A stable, well-spread colour per class: hues stepped by the golden angle. */
export function classColor(cls: number): string {
  const h = (cls * 0.381966) % 1;
  const [s, v] = [0.8, cls % 2 === 0 ? 0.95 : 0.8];
  const f = (n: number): number => {
    const k = (n + h * 6) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return `#${[f(5), f(3), f(1)].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

function textColorOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000000' : '#ffffff';
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The label of one box: `person 0.86`, `person`, or nothing. */
export function boxLabel(d: DrawnBox, names: readonly string[], opts: DrawOptions = {}): string {
  if (opts.hideLabels) return '';
  const name = names[d.cls] ?? String(d.cls);
  return opts.hideConf ? name : `${name} ${d.conf.toFixed(2)}`;
}

/** The SVG overlay for an image of `width` x `height`. */
export function overlaySvg(width: number, height: number, boxes: readonly DrawnBox[], names: readonly string[], opts: DrawOptions = {}): string {
  const lw = opts.lineWidth ?? Math.max(Math.round(((width + height) / 2) * 0.003), 2);
  const fontSize = Math.max(10, lw * 5);
  const parts: string[] = [];
  for (const d of boxes) {
    const [x1, y1, x2, y2] = d.box;
    const color = classColor(d.cls);
    parts.push(`<rect x="${x1 + lw / 2}" y="${y1 + lw / 2}" width="${Math.max(x2 - x1 - lw, 0)}" height="${Math.max(y2 - y1 - lw, 0)}" fill="none" stroke="${color}" stroke-width="${lw}"/>`);
    const label = boxLabel(d, names, opts);
    if (!label) continue;
    const th = Math.round(fontSize * 1.3);
    const tw = Math.round(label.length * fontSize * 0.62 + fontSize * 0.4);
    const ty = y1 - th >= 0 ? y1 - th : y1; // above the box when it fits, else inside it
    const tx = Math.min(x1, Math.max(0, width - tw));
    parts.push(`<rect x="${tx}" y="${ty}" width="${tw}" height="${th}" fill="${color}"/>`);
    parts.push(`<text x="${tx + fontSize * 0.2}" y="${ty + fontSize}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${fontSize}" fill="${textColorOn(color)}">${escapeXml(label)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

const WRITABLE = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.avif', '.gif']);

/** Where an annotated copy of `source` goes in `dir`: the same name, or `.png` for formats sharp cannot write (bmp, mpo). */
export function annotatedPath(dir: string, source: string): string {
  const ext = path.extname(source).toLowerCase();
  const base = path.basename(source);
  return path.join(dir, WRITABLE.has(ext) ? base : `${base.slice(0, base.length - ext.length)}.png`);
}

/** Draws the boxes on the image and writes it to `file` (format from the extension). */
export async function saveAnnotated(file: string, image: RgbImage, boxes: readonly DrawnBox[], names: readonly string[], opts: DrawOptions = {}): Promise<void> {
  const svg = overlaySvg(image.width, image.height, boxes, names, opts);
  await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .toFile(file);
}
