// labels.jpg, drawn before training as YOLOv5's plot_labels draws it: instances per class, the box
// shapes (every box centred on one point), and 2-D histograms of box centres and of box sizes — the
// picture that shows at a glance a missing class, boxes piled in one corner or all of one size.
import path from 'node:path';
import { axes, linearScale, num, PALETTE, renderPng, svgDocument, text, type Rect } from '../eval/svg.js';
import { concatLabels } from '../data/augment/boxes.js';

export interface LabelStats {
  /** instances per class */
  instances: number[];
  /** [cls, cx, cy, w, h] of every box, normalised */
  boxes: Float32Array;
}

/** Gathers the train split's label rows ([cls, cx, cy, w, h] per image) into one table. */
export function labelStats(labels: readonly Float32Array[], nc: number): LabelStats {
  const boxes = concatLabels(labels);
  const instances = new Array<number>(nc).fill(0);
  for (let r = 0; r < boxes.length; r += 5) instances[boxes[r]!]!++;
  return { instances, boxes };
}

/** Counts of (x, y) pairs in bins × bins equal cells of [0, 1]², row-major from y = 0. */
export function histogram2d(xs: ArrayLike<number>, ys: ArrayLike<number>, bins: number): number[] {
  const counts = new Array<number>(bins * bins).fill(0);
  const cell = (v: number) => Math.min(bins - 1, Math.max(0, Math.floor(v * bins)));
  for (let i = 0; i < xs.length; i++) counts[cell(ys[i]!) * bins + cell(xs[i]!)]!++;
  return counts;
}

function column(boxes: Float32Array, c: number): Float32Array {
  const out = new Float32Array(boxes.length / 5);
  for (let i = 0; i < out.length; i++) out[i] = boxes[i * 5 + c]!;
  return out;
}

function barPanel(frame: Rect, instances: number[], names: string[]): string {
  const sx = linearScale([0, instances.length], frame.x, frame.x + frame.w);
  const sy = linearScale([0, Math.max(1, ...instances) * 1.05], frame.y + frame.h, frame.y);
  const out = [axes(frame, sx, sy, { yLabel: 'instances', fontSize: 11, xTicks: 0 })];
  const step = frame.w / instances.length;
  instances.forEach((n, c) => {
    const x = sx(c) + step * 0.1;
    out.push(`<rect x="${num(x)}" y="${num(sy(n))}" width="${num(step * 0.8)}" height="${num(sy(0) - sy(n))}" fill="${PALETTE[c % PALETTE.length]}"/>`);
    // names while they fit (YOLOv5 drops them above 30 classes)
    if (instances.length <= 30) {
      out.push(text(sx(c) + step / 2, frame.y + frame.h + 8, names[c] ?? String(c), { size: 10, anchor: 'end', rotate: -90 }));
    }
  });
  return out.join('\n');
}

function shapesPanel(frame: Rect, boxes: Float32Array): string {
  const side = Math.min(frame.w, frame.h);
  const [cx, cy] = [frame.x + frame.w / 2, frame.y + frame.h / 2];
  const out = [`<rect x="${num(frame.x)}" y="${num(frame.y)}" width="${num(frame.w)}" height="${num(frame.h)}" fill="#fff" stroke="#000"/>`];
  const n = Math.min(1000, boxes.length / 5); // as YOLOv5: the first 1000 boxes
  for (let i = 0; i < n; i++) {
    const [c, w, h] = [boxes[i * 5]!, boxes[i * 5 + 3]! * side, boxes[i * 5 + 4]! * side];
    out.push(`<rect x="${num(cx - w / 2)}" y="${num(cy - h / 2)}" width="${num(w)}" height="${num(h)}" fill="none" stroke="${PALETTE[c % PALETTE.length]}" stroke-opacity="0.5"/>`);
  }
  return out.join('\n');
}

function heatmapPanel(frame: Rect, xs: Float32Array, ys: Float32Array, xLabel: string, yLabel: string): string {
  const bins = 50;
  const counts = histogram2d(xs, ys, bins);
  const max = Math.max(1, ...counts);
  const sx = linearScale([0, 1], frame.x, frame.x + frame.w);
  const sy = linearScale([0, 1], frame.y + frame.h, frame.y);
  const out: string[] = [];
  const [cw, ch] = [frame.w / bins, frame.h / bins];
  counts.forEach((n, k) => {
    if (n === 0) return;
    const [bx, by] = [k % bins, Math.floor(k / bins)];
    const shade = 0.15 + 0.85 * Math.sqrt(n / max);
    out.push(`<rect x="${num(sx(bx / bins))}" y="${num(sy((by + 1) / bins))}" width="${num(cw)}" height="${num(ch)}" fill="${PALETTE[0]}" fill-opacity="${shade.toFixed(2)}"/>`);
  });
  out.push(axes(frame, sx, sy, { xLabel, yLabel, fontSize: 11, xTicks: 5, yTicks: 5 }));
  return out.join('\n');
}

/** Writes labels.jpg into runDir; returns its path. */
export async function plotLabels(labels: readonly Float32Array[], names: string[], runDir: string): Promise<string> {
  const { instances, boxes } = labelStats(labels, names.length);
  const size = 360;
  const panel = (col: number, row: number): Rect => ({ x: col * size + 70, y: row * size + 20, w: size - 90, h: size - 90 });
  const body = [
    barPanel(panel(0, 0), instances, names),
    shapesPanel(panel(1, 0), boxes),
    heatmapPanel(panel(0, 1), column(boxes, 1), column(boxes, 2), 'x', 'y'),
    heatmapPanel(panel(1, 1), column(boxes, 3), column(boxes, 4), 'width', 'height'),
  ];
  return renderPng(svgDocument(2 * size, 2 * size, body.join('\n')), path.join(runDir, 'labels.jpg'));
}
