// YOLOv5's rectangular batches: images sorted by aspect ratio (h / w), and per batch one shape that
// fits them all: ceil(shape · imgSize / stride + pad) · stride, shape [h, w] relative to the long side.

export interface RectPlan {
  /** dataset indices sorted by aspect ratio (stable) */
  order: number[];
  /** per batch, [height, width] in pixels */
  batchShapes: [number, number][];
}

/** shapes: per image [height, width]. */
export function rectBatches(shapes: readonly [number, number][], batchSize: number, imgSize: number, stride: number, pad: number): RectPlan {
  const ar = shapes.map(([h, w]) => h / w);
  const order = ar.map((_, i) => i).sort((a, b) => ar[a]! - ar[b]! || a - b);
  const batches = Math.ceil(order.length / batchSize);
  const batchShapes: [number, number][] = [];
  for (let b = 0; b < batches; b++) {
    const ari = order.slice(b * batchSize, (b + 1) * batchSize).map((i) => ar[i]!);
    const mini = Math.min(...ari), maxi = Math.max(...ari);
    let rel: [number, number] = [1, 1];
    if (maxi < 1) rel = [maxi, 1];
    else if (mini > 1) rel = [1, 1 / mini];
    batchShapes.push(rel.map((v) => Math.ceil(fround((v * imgSize) / stride + pad)) * stride) as [number, number]);
  }
  return { order, batchShapes };
}

/** Tiny float noise must not push an exact multiple of the stride up by one. */
function fround(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-9 ? r : v;
}
