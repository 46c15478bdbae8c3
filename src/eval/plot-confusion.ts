// confusion_matrix.png as YOLOv5 draws it: columns normalised (each true class sums to 1),
// a 'Blues' heatmap with values >= 0.005 annotated '.2f', x = True, y = Predicted, and a
// background row/column. With many classes, only the classes that occur are drawn.
import type { ConfusionMatrix } from './confusion.js';
import { niceTicks, num, renderPng, svgDocument, text, tickText } from './svg.js';

/** matplotlib's 'Blues' colormap stops (ColorBrewer, 9 classes). */
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** The colour at t in [0, 1] of the Blues map, as [r, g, b] 0-255. */
export function blues(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(u));
  const a = rgb(BLUES[i]!);
  const b = rgb(BLUES[i + 1]!);
  return a.map((v, k) => Math.round(v + (b[k]! - v) * (u - i))) as [number, number, number];
}

/** Relative luminance (sRGB), to pick black or white annotation text like seaborn. */
function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export interface ConfusionPlotOptions {
  /** Divide each column by its sum (YOLOv5 default: true). */
  normalize?: boolean;
  /** Class ids to draw; default: all when nc <= 30, else those with any count. */
  classes?: number[];
}

/** The class ids drawn: as asked, all of a small model, or those with a count in their row or column. */
function drawnClasses(cm: ConfusionMatrix, asked?: number[]): number[] {
  if (asked) return asked;
  const all = Array.from({ length: cm.nc }, (_, i) => i);
  if (cm.nc <= 30) return all;
  return all.filter((c) => {
    for (let k = 0; k <= cm.nc; k++) if (cm.at(c, k) > 0 || cm.at(k, c) > 0) return true;
    return false;
  });
}

/** Heatmap cells with their annotations, and the colour scale maximum. */
function cells(values: number[][], x0: number, y0: number, cell: number, annotate: boolean): { svg: string; vmax: number } {
  const finite = values.flat().filter((v) => Number.isFinite(v));
  const vmax = Math.max(1e-9, ...finite);
  const out: string[] = [];
  values.forEach((row, r) => row.forEach((v, c) => {
    if (!Number.isFinite(v)) return;
    const color = blues(v / vmax);
    const x = x0 + c * cell;
    const y = y0 + r * cell;
    out.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(cell)}" height="${num(cell)}" fill="rgb(${color.join(',')})"/>`);
    if (annotate) {
      const fg = luminance(color) > 0.408 ? '#000' : '#fff';
      out.push(text(x + cell / 2, y + cell / 2, v.toFixed(2), { size: Math.min(14, cell * 0.3), anchor: 'middle', baseline: 'middle', color: fg }));
    }
  }));
  return { svg: out.join('\n'), vmax };
}

/** A vertical colour bar from 0 to vmax with round ticks. */
function colorBar(x: number, y: number, h: number, vmax: number): string {
  const last = BLUES.length - 1;
  const stops = BLUES.map((_, i) => `<stop offset="${num((i / last) * 100)}%" stop-color="${BLUES[last - i]}"/>`).join('');
  const out = [`<defs><linearGradient id="cbar" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>`];
  out.push(`<rect x="${num(x)}" y="${num(y)}" width="18" height="${num(h)}" fill="url(#cbar)" stroke="#888"/>`);
  for (const t of niceTicks(0, vmax, 5)) {
    out.push(text(x + 24, y + h - (t / vmax) * h, tickText(t), { size: 11, baseline: 'middle' }));
  }
  return out.join('\n');
}

/** confusion_matrix.png: rows predicted, columns true (as in YOLOv5, [pred][true] with background last). */
export async function plotConfusionMatrix(cm: ConfusionMatrix, names: readonly string[], file: string, options: ConfusionPlotOptions = {}): Promise<string> {
  const normalize = options.normalize ?? true;
  const ids = [...drawnClasses(cm, options.classes), cm.nc];
  const full = normalize ? cm.normalized() : cm.matrix;
  const n = cm.nc + 1;
  // YOLOv5 blanks values below 0.005 (they would read 0.00).
  const values = ids.map((p) => ids.map((t) => { const v = full[p * n + t]!; return v < 0.005 ? NaN : v; }));
  const labels = ids.map((c) => (c === cm.nc ? 'background' : names[c] ?? String(c)));
  const k = ids.length;
  const cell = Math.max(14, Math.min(90, 640 / k));
  const longest = Math.max(...labels.map((l) => l.length));
  const tickSize = Math.min(13, Math.max(8, cell * 0.4));
  const upright = longest * tickSize * 0.62 < cell * 0.95;
  const left = Math.min(220, 20 + longest * 7.5);
  const margin = upright ? 2 * tickSize + 10 : left;
  const x0 = left + 40;
  const y0 = 60;
  const size = k * cell;
  const heat = cells(values, x0, y0, cell, k < 30);
  const parts = [
    text(x0 + size / 2, 34, 'Confusion Matrix', { size: 16, anchor: 'middle' }),
    heat.svg,
    `<rect x="${num(x0)}" y="${num(y0)}" width="${num(size)}" height="${num(size)}" fill="none" stroke="#888"/>`,
    ...labels.map((l, i) => text(x0 - 6, y0 + (i + 0.5) * cell, l, { size: tickSize, anchor: 'end', baseline: 'middle' })),
    ...labels.map((l, i) => (upright
      ? text(x0 + (i + 0.5) * cell, y0 + size + 8 + tickSize, l, { size: tickSize, anchor: 'middle' })
      : text(x0 + (i + 0.5) * cell, y0 + size + 8, l, { size: tickSize, anchor: 'end', baseline: 'middle', rotate: -90 }))),
    text(x0 + size / 2, y0 + size + margin + 22, 'True', { size: 14, anchor: 'middle' }),
    text(20, y0 + size / 2, 'Predicted', { size: 14, anchor: 'middle', rotate: -90 }),
    colorBar(x0 + size + 24, y0, size, heat.vmax),
  ];
  const width = Math.ceil(x0 + size + 90);
  const height = Math.ceil(y0 + size + margin + 40);
  return renderPng(svgDocument(width, height, parts.join('\n')), file);
}
