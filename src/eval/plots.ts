// The val and training plots as PNG files, drawn like YOLOv5's: PR_curve.png (per class with its
// AP@0.5 and the mean), F1/P/R-confidence curves, confusion_matrix.png, and small multiples of
// series over epochs (results.png). SVG strings rendered by sharp.
import path from 'node:path';
import type { MetricCurves } from './metrics.js';
import { argmax, smooth } from './numeric.js';
import { axes, legend, linearScale, PALETTE, polyline, renderPng, svgDocument, type LegendItem, type Rect } from './svg.js';

/** Per-class lines get their own colour and legend entry up to this many classes (YOLOv5: < 21). */
const MAX_LEGEND_CLASSES = 20;
const MEAN_COLOR = '#0000ff';

/** Class name for an id. */
function className(names: readonly string[], cls: number): string {
  return names[cls] ?? String(cls);
}

/** A 900 x 600 figure: the unit square plot on the left, the legend to its right. */
function curveFigure(body: (frame: Rect) => { lines: string; items: LegendItem[] }, labels: { x: string; y: string; title: string }): string {
  const frame: Rect = { x: 75, y: 45, w: 520, h: 480 };
  const sx = linearScale([0, 1], frame.x, frame.x + frame.w);
  const sy = linearScale([0, 1], frame.y + frame.h, frame.y);
  const { lines, items } = body(frame);
  const clip = `<clipPath id="plot"><rect x="${frame.x}" y="${frame.y}" width="${frame.w}" height="${frame.h}"/></clipPath>`;
  const parts = [
    clip,
    axes(frame, sx, sy, { xLabel: labels.x, yLabel: labels.y, title: labels.title, grid: true, fontSize: 13 }),
    `<g clip-path="url(#plot)">${lines}</g>`,
    legend(items, frame.x + frame.w + 20, frame.y, 12),
  ];
  return svgDocument(900, 600, parts.join('\n'));
}

/** PR_curve.png: precision over recall at IoU 0.5 per class, and their mean (mAP@0.5 in the legend). */
export async function plotPrCurve(curves: MetricCurves, names: readonly string[], file: string): Promise<string> {
  const svg = curveFigure((frame) => {
    const sx = linearScale([0, 1], frame.x, frame.x + frame.w);
    const sy = linearScale([0, 1], frame.y + frame.h, frame.y);
    const present = curves.pr.map((c, i) => ({ c, i })).filter((e): e is { c: Float64Array; i: number } => e.c !== null);
    const labelled = present.length > 0 && present.length <= MAX_LEGEND_CLASSES;
    const lines: string[] = [];
    const items: LegendItem[] = [];
    present.forEach(({ c, i }, k) => {
      const color = labelled ? PALETTE[k % PALETTE.length]! : '#808080';
      lines.push(polyline(curves.px, c, sx, sy, { color, width: 1 }));
      if (labelled) items.push({ label: `${className(names, curves.classes[i]!)} ${curves.ap50[i]!.toFixed(3)}`, color });
    });
    const mean = curves.px.map((_, k) => present.reduce((s, e) => s + e.c[k]!, 0) / Math.max(1, present.length));
    const map50 = curves.ap50.reduce((a, b) => a + b, 0) / Math.max(1, curves.ap50.length);
    lines.push(polyline(curves.px, mean, sx, sy, { color: MEAN_COLOR, width: 3 }));
    items.push({ label: `all classes ${map50.toFixed(3)} mAP@0.5`, color: MEAN_COLOR, width: 3 });
    return { lines: lines.join('\n'), items };
  }, { x: 'Recall', y: 'Precision', title: 'Precision-Recall Curve' });
  return renderPng(svg, file);
}

export type ConfidenceMetric = 'F1' | 'Precision' | 'Recall';

/** F1_curve.png / P_curve.png / R_curve.png: a metric over confidence per class, and the smoothed mean with its peak. */
export async function plotConfidenceCurve(curves: MetricCurves, names: readonly string[], metric: ConfidenceMetric, file: string): Promise<string> {
  const perClass = metric === 'F1' ? curves.f1 : metric === 'Precision' ? curves.precision : curves.recall;
  const svg = curveFigure((frame) => {
    const sx = linearScale([0, 1], frame.x, frame.x + frame.w);
    const sy = linearScale([0, 1], frame.y + frame.h, frame.y);
    const labelled = perClass.length > 0 && perClass.length <= MAX_LEGEND_CLASSES;
    const lines: string[] = [];
    const items: LegendItem[] = [];
    perClass.forEach((c, i) => {
      const color = labelled ? PALETTE[i % PALETTE.length]! : '#808080';
      lines.push(polyline(curves.px, c, sx, sy, { color, width: 1 }));
      if (labelled) items.push({ label: className(names, curves.classes[i]!), color });
    });
    const mean = curves.px.map((_, k) => perClass.reduce((s, c) => s + c[k]!, 0) / Math.max(1, perClass.length));
    const y = smooth(mean, 0.05);
    const best = argmax(y);
    lines.push(polyline(curves.px, y, sx, sy, { color: MEAN_COLOR, width: 3 }));
    items.push({ label: `all classes ${y[best]!.toFixed(2)} at ${curves.px[best]!.toFixed(3)}`, color: MEAN_COLOR, width: 3 });
    return { lines: lines.join('\n'), items };
  }, { x: 'Confidence', y: metric, title: `${metric}-Confidence Curve` });
  return renderPng(svg, file);
}

/** Writes PR_curve.png, F1_curve.png, P_curve.png and R_curve.png into `dir`; returns their paths. */
export async function plotValCurves(curves: MetricCurves, names: readonly string[], dir: string): Promise<string[]> {
  const out = [await plotPrCurve(curves, names, path.join(dir, 'PR_curve.png'))];
  for (const [metric, base] of [['F1', 'F1_curve.png'], ['Precision', 'P_curve.png'], ['Recall', 'R_curve.png']] as const) {
    out.push(await plotConfidenceCurve(curves, names, metric, path.join(dir, base)));
  }
  return out;
}

export { plotConfusionMatrix, type ConfusionPlotOptions } from './plot-confusion.js';
export { plotSmallMultiples, type Panel, type PanelSeries, type SmallMultiplesOptions } from './plot-series.js';

