// AutoAnchor (YOLOv5's check_anchors): the best possible recall of the current anchors on the
// dataset's label sizes; below 0.98, k-means anchors refined by a genetic evolution replace them
// when they do better.
import { mulberry32 } from '../data/rng.js';

export interface AnchorCheck {
  bpr: number;
  anchorsPerTarget: number;
}

function ratioMetric(wh: Float64Array, k: number[][], i: number, j: number): number {
  const rw = wh[i * 2]! / k[j]![0]!;
  const rh = wh[i * 2 + 1]! / k[j]![1]!;
  return Math.min(rw, 1 / rw, rh, 1 / rh);
}

/** bpr: share of labels with some anchor within thr; aat: anchors above threshold per label. */
export function anchorMetric(wh: Float64Array, anchors: number[][], thr: number): AnchorCheck {
  const n = wh.length / 2;
  let recall = 0;
  let above = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 0; j < anchors.length; j++) {
      const x = ratioMetric(wh, anchors, i, j);
      if (x > best) best = x;
      if (x > 1 / thr) above++;
    }
    if (best > 1 / thr) recall++;
  }
  return { bpr: recall / n, anchorsPerTarget: above / n };
}

/**
 * Label sizes in pixels as check_anchors builds them: each image's shape scaled so its long side is
 * imgSize, times a random 0.9–1.1 per image; labels[i] are normalised [w, h] pairs of image i.
 */
export function labelSizes(shapes: [number, number][], labels: number[][][], imgSize: number, rand: () => number): Float64Array {
  const out: number[] = [];
  shapes.forEach(([w, h], i) => {
    const m = Math.max(w, h);
    const s = 0.9 + 0.2 * rand();
    for (const [lw, lh] of labels[i]!) out.push(lw! * (imgSize * w / m) * s, lh! * (imgSize * h / m) * s);
  });
  return Float64Array.from(out);
}

function fitness(wh: Float64Array, k: number[][], thr: number): number {
  const n = wh.length / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 0; j < k.length; j++) best = Math.max(best, ratioMetric(wh, k, i, j));
    sum += best > 1 / thr ? best : 0;
  }
  return sum / n;
}

function kmeans(points: Float64Array, k: number, rand: () => number, iterations = 30): number[][] {
  const n = points.length / 2;
  const centers = Array.from({ length: k }, () => {
    const i = Math.floor(rand() * n);
    return [points[i * 2]!, points[i * 2 + 1]!];
  });
  for (let it = 0; it < iterations; it++) {
    const sums = centers.map(() => [0, 0, 0]);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      centers.forEach((c, j) => {
        const d = (points[i * 2]! - c[0]!) ** 2 + (points[i * 2 + 1]! - c[1]!) ** 2;
        if (d < bestD) [bestD, best] = [d, j];
      });
      sums[best]![0]! += points[i * 2]!;
      sums[best]![1]! += points[i * 2 + 1]!;
      sums[best]![2]! += 1;
    }
    centers.forEach((c, j) => {
      const [sx, sy, cnt] = sums[j]!;
      if (cnt) [c[0], c[1]] = [sx! / cnt, sy! / cnt];
    });
  }
  return centers;
}

/** kmean_anchors: k-means on whitened sizes (labels >= 2 px), then `generations` of mutation. */
export function evolveAnchors(wh: Float64Array, n: number, thr: number, seed = 0, generations = 1000): number[][] {
  const rand = mulberry32(seed);
  const kept: number[] = [];
  for (let i = 0; i < wh.length; i += 2) if (wh[i]! >= 2 && wh[i + 1]! >= 2) kept.push(wh[i]!, wh[i + 1]!);
  const pts = Float64Array.from(kept.length >= 2 * n ? kept : wh);
  const std = [0, 1].map((d) => {
    let m = 0;
    for (let i = d; i < pts.length; i += 2) m += pts[i]!;
    m /= pts.length / 2;
    let v = 0;
    for (let i = d; i < pts.length; i += 2) v += (pts[i]! - m) ** 2;
    return Math.sqrt(v / (pts.length / 2)) || 1;
  });
  const white = pts.map((v, i) => v / std[i % 2]!);
  let k = kmeans(white, n, rand).map(([x, y]) => [x! * std[0]!, y! * std[1]!]);
  let f = fitness(wh, k, thr);
  for (let g = 0; g < generations; g++) {
    let mutated: number[][];
    do {
      mutated = k.map((a) => a.map((v) => (rand() < 0.9 ? v * Math.min(Math.max(1 + gauss(rand) * 0.1, 0.3), 3.0) : v)));
    } while (mutated.every((a, i) => a.every((v, d) => v === k[i]![d])));
    const fm = fitness(wh, mutated, thr);
    if (fm > f) [f, k] = [fm, mutated];
  }
  return k.sort((a, b) => a[0]! * a[1]! - b[0]! * b[1]!);
}

function gauss(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
