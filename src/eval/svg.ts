// Minimal SVG chart primitives (axes, lines, legend, text) and PNG rendering through sharp
// (librsvg). Pure string building: no DOM, no tensors.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

/** matplotlib's default colour cycle (tab10). */
export const PALETTE: readonly string[] = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';

/** A rectangle in SVG user units. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Scale {
  (v: number): number;
  domain: [number, number];
}

/** A linear map from `domain` onto `[r0, r1]` (a flat domain maps to the middle). */
export function linearScale(domain: [number, number], r0: number, r1: number): Scale {
  const [d0, d1] = domain;
  const f = ((v: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0))) as Scale;
  f.domain = domain;
  return f;
}

/** Escapes text for SVG content and attributes. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A coordinate with 2 decimals. */
export function num(v: number): string {
  return Number.isFinite(v) ? (Math.round(v * 100) / 100).toString() : '0';
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) out.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

/** Tick label text: up to 4 significant digits, no float noise. */
export function tickText(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

export interface TextStyle {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold';
  color?: string;
  rotate?: number;
  baseline?: 'auto' | 'middle' | 'hanging';
}

/** A text element; rotation is about the anchor point. */
export function text(x: number, y: number, s: string, style: TextStyle = {}): string {
  const attrs = [
    `font-size="${style.size ?? 12}"`,
    `text-anchor="${style.anchor ?? 'start'}"`,
    `fill="${style.color ?? '#000'}"`,
    style.weight === 'bold' ? 'font-weight="bold"' : '',
    style.baseline && style.baseline !== 'auto' ? `dominant-baseline="${style.baseline}"` : '',
  ].filter(Boolean);
  const where = style.rotate ? `transform="translate(${num(x)},${num(y)}) rotate(${style.rotate})"` : `x="${num(x)}" y="${num(y)}"`;
  return `<text ${where} ${attrs.join(' ')}>${esc(s)}</text>`;
}

export interface LineStyle {
  color: string;
  width?: number;
  dash?: string;
  opacity?: number;
}

/** A polyline through (xs[i], ys[i]); non-finite points are skipped. */
export function polyline(xs: ArrayLike<number>, ys: ArrayLike<number>, sx: Scale, sy: Scale, style: LineStyle): string {
  const pts: string[] = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) pts.push(`${num(sx(xs[i]!))},${num(sy(ys[i]!))}`);
  }
  const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
  const op = style.opacity !== undefined ? ` stroke-opacity="${style.opacity}"` : '';
  return `<polyline points="${pts.join(' ')}" fill="none" stroke="${style.color}" stroke-width="${style.width ?? 1}" stroke-linejoin="round"${dash}${op}/>`;
}

/** Small dots at the points (matplotlib's '.' marker). */
export function markers(xs: ArrayLike<number>, ys: ArrayLike<number>, sx: Scale, sy: Scale, color: string, r = 2): string {
  const out: string[] = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) out.push(`<circle cx="${num(sx(xs[i]!))}" cy="${num(sy(ys[i]!))}" r="${r}" fill="${color}"/>`);
  }
  return out.join('');
}

export interface AxesOptions {
  xLabel?: string;
  yLabel?: string;
  title?: string;
  grid?: boolean;
  fontSize?: number;
  /** about this many ticks; 0: none */
  xTicks?: number;
  yTicks?: number;
}

/** Frame, ticks, tick labels, optional grid, axis labels and title of a plot area. */
export function axes(frame: Rect, sx: Scale, sy: Scale, options: AxesOptions = {}): string {
  const fs = options.fontSize ?? 12;
  const out: string[] = [];
  const bottom = frame.y + frame.h;
  for (const t of options.xTicks === 0 ? [] : niceTicks(sx.domain[0], sx.domain[1], options.xTicks ?? 5)) {
    const x = sx(t);
    if (options.grid) out.push(`<line x1="${num(x)}" y1="${num(frame.y)}" x2="${num(x)}" y2="${num(bottom)}" stroke="#ddd"/>`);
    out.push(`<line x1="${num(x)}" y1="${num(bottom)}" x2="${num(x)}" y2="${num(bottom + 4)}" stroke="#000"/>`);
    out.push(text(x, bottom + 6 + fs, tickText(t), { size: fs - 1, anchor: 'middle' }));
  }
  for (const t of options.yTicks === 0 ? [] : niceTicks(sy.domain[0], sy.domain[1], options.yTicks ?? 5)) {
    const y = sy(t);
    if (options.grid) out.push(`<line x1="${num(frame.x)}" y1="${num(y)}" x2="${num(frame.x + frame.w)}" y2="${num(y)}" stroke="#ddd"/>`);
    out.push(`<line x1="${num(frame.x - 4)}" y1="${num(y)}" x2="${num(frame.x)}" y2="${num(y)}" stroke="#000"/>`);
    out.push(text(frame.x - 7, y, tickText(t), { size: fs - 1, anchor: 'end', baseline: 'middle' }));
  }
  out.push(`<rect x="${num(frame.x)}" y="${num(frame.y)}" width="${num(frame.w)}" height="${num(frame.h)}" fill="none" stroke="#000"/>`);
  if (options.xLabel) out.push(text(frame.x + frame.w / 2, bottom + 2 * fs + 14, options.xLabel, { size: fs + 1, anchor: 'middle' }));
  if (options.yLabel) out.push(text(frame.x - 3.6 * fs - 6, frame.y + frame.h / 2, options.yLabel, { size: fs + 1, anchor: 'middle', rotate: -90 }));
  if (options.title) out.push(text(frame.x + frame.w / 2, frame.y - fs, options.title, { size: fs + 2, anchor: 'middle' }));
  return out.join('\n');
}

export interface LegendItem {
  label: string;
  color: string;
  width?: number;
  dash?: string;
}

/** A legend box with a line sample per item, top-left at (x, y). */
export function legend(items: LegendItem[], x: number, y: number, fontSize = 12): string {
  if (items.length === 0) return '';
  const row = fontSize + 8;
  const wide = Math.max(...items.map((i) => i.label.length)) * fontSize * 0.62 + 48;
  const out = [`<rect x="${num(x)}" y="${num(y)}" width="${num(wide)}" height="${num(items.length * row + 8)}" fill="#fff" fill-opacity="0.85" stroke="#ccc" rx="3"/>`];
  items.forEach((it, i) => {
    const cy = y + 4 + row * i + row / 2;
    const dash = it.dash ? ` stroke-dasharray="${it.dash}"` : '';
    out.push(`<line x1="${num(x + 8)}" y1="${num(cy)}" x2="${num(x + 34)}" y2="${num(cy)}" stroke="${it.color}" stroke-width="${it.width ?? 1.5}"${dash}/>`);
    out.push(text(x + 40, cy, it.label, { size: fontSize, baseline: 'middle' }));
  });
  return out.join('\n');
}

/** A complete SVG document with a white background. */
export function svgDocument(width: number, height: number, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    body,
    '</svg>',
  ].join('\n');
}

/** Renders an SVG string to a PNG (or, named .jpg, a JPEG) file at `scale` x its size (creating the folder); returns the path. */
export async function renderPng(svg: string, file: string, scale = 2): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  const image = sharp(Buffer.from(svg), { density: 72 * scale });
  await (/\.jpe?g$/i.test(file) ? image.jpeg({ quality: 90 }) : image.png()).toFile(file);
  return file;
}
