// Small multiples of series over epochs (training's results.png): one panel per quantity, in a
// grid, each line with '.' markers and, optionally, a dotted Gaussian-smoothed copy as YOLOv5
// draws its results.png.
import { gaussianSmooth } from './numeric.js';
import { axes, legend, linearScale, markers, PALETTE, polyline, renderPng, svgDocument, text, type LegendItem, type Rect } from './svg.js';

/** One line of a panel; x defaults to 0, 1, 2, ... (epochs). */
export interface PanelSeries {
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
  label?: string;
}

export interface Panel {
  title: string;
  series: PanelSeries[];
}

export interface SmallMultiplesOptions {
  /** Panels per row (YOLOv5's results.png: 5). */
  columns?: number;
  /** Panel size in SVG units. */
  panelWidth?: number;
  panelHeight?: number;
  /** Also draw a dotted smoothed copy of each line (gaussian, sigma 3). */
  smooth?: boolean;
  xLabel?: string;
  title?: string;
}

function seriesX(s: PanelSeries): ArrayLike<number> {
  return s.x ?? Array.from({ length: s.y.length }, (_, i) => i);
}

/** Finite min and max over arrays, widened when flat; [0, 1] when there is nothing finite. */
function extent(arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) { lo = Math.min(lo, a[i]!); hi = Math.max(hi, a[i]!); }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi === lo) return [lo - (Math.abs(lo) || 1) * 0.05, hi + (Math.abs(hi) || 1) * 0.05];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** One panel: axes, each series (markers + line), the smoothed copies, and a legend when labels are given. */
function panelSvg(panel: Panel, frame: Rect, options: SmallMultiplesOptions): string {
  const sx = linearScale(extent(panel.series.map(seriesX)), frame.x, frame.x + frame.w);
  const sy = linearScale(extent(panel.series.map((s) => s.y)), frame.y + frame.h, frame.y);
  const out = [axes(frame, sx, sy, { title: panel.title, fontSize: 11, xLabel: options.xLabel, xTicks: 4, yTicks: 4 })];
  const items: LegendItem[] = [];
  panel.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const xs = seriesX(s);
    out.push(polyline(xs, s.y, sx, sy, { color, width: 1.5 }), markers(xs, s.y, sx, sy, color, 2.2));
    if (options.smooth && s.y.length > 1) out.push(polyline(xs, gaussianSmooth(s.y, 3), sx, sy, { color, width: 2, dash: '2,3' }));
    if (s.label) items.push({ label: s.label, color });
  });
  if (options.smooth && panel.series.length === 1) items.push({ label: 'smooth', color: PALETTE[0]!, width: 2, dash: '2,3' });
  if (items.length > 0) out.push(legend(items, frame.x + 6, frame.y + 6, 9));
  return out.join('\n');
}

/** A grid of panels (e.g. train/val losses and metrics over epochs) as one PNG; returns its path. */
export async function plotSmallMultiples(panels: Panel[], file: string, options: SmallMultiplesOptions = {}): Promise<string> {
  if (panels.length === 0) throw new Error('plotSmallMultiples: no panels');
  const columns = Math.max(1, Math.min(options.columns ?? 5, panels.length));
  const rows = Math.ceil(panels.length / columns);
  const pw = options.panelWidth ?? 300;
  const ph = options.panelHeight ?? 240;
  const top = options.title ? 30 : 0;
  const parts: string[] = [];
  if (options.title) parts.push(text((columns * pw) / 2, 22, options.title, { size: 16, anchor: 'middle' }));
  panels.forEach((panel, i) => {
    const x = (i % columns) * pw;
    const y = top + Math.floor(i / columns) * ph;
    const frame: Rect = { x: x + 58, y: y + 30, w: pw - 76, h: ph - (options.xLabel ? 82 : 64) };
    parts.push(panelSvg(panel, frame, options));
  });
  return renderPng(svgDocument(columns * pw, top + rows * ph, parts.join('\n')), file);
}
