// The Detect layer's anchors as plain numbers, and writing new ones back (AutoAnchor).
import { noGrad, scope, tensor } from '../torch/index.js';
import type { Yolov5Model } from '../model/build.js';
import { detectLayer } from '../model/spec.js';

/** Per level [na][w, h] in grid units (the `anchors` buffer). */
export function anchorsOf(model: Yolov5Model): number[][][] {
  const flat = model.detect.anchors.toArray();
  const nl = model.stride.length;
  const na = model.detect.na;
  return Array.from({ length: nl }, (_, l) => Array.from({ length: na }, (_, a) => [flat[(l * na + a) * 2]!, flat[(l * na + a) * 2 + 1]!]));
}

/** Sets anchors given in pixels, smallest first (check_anchor_order), in the buffer and the spec. */
export function setAnchorsPx(model: Yolov5Model, anchorsPx: number[][]): void {
  const nl = model.stride.length;
  const na = model.detect.na;
  const sorted = [...anchorsPx].sort((a, b) => a[0]! * a[1]! - b[0]! * b[1]!);
  const grid: number[] = [];
  const levels: number[][] = [];
  for (let l = 0; l < nl; l++) {
    const level = sorted.slice(l * na, (l + 1) * na);
    levels.push(level.flatMap(([w, h]) => [Math.round(w! * 1e4) / 1e4, Math.round(h! * 1e4) / 1e4]));
    for (const [w, h] of level) grid.push(w! / model.stride[l]!, h! / model.stride[l]!);
  }
  noGrad(() => scope(() => model.detect.anchors.copy_(tensor(Float32Array.from(grid), { shape: [nl, na, 2] }))));
  model.detect.clearGrids();
  detectLayer(model.spec).anchors = levels;
}
