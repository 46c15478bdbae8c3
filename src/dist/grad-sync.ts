// Gradient all-reduce as PyTorch's DistributedDataParallel does it: the gradients of every trainable
// parameter, in the same order on every rank, are flattened into buckets of about 25 MB, each bucket
// is all-reduced in one collective (a few large messages instead of hundreds of small ones), and the
// result is copied back into the gradients.
import { cat, noGrad, scope, zerosLike, type Tensor } from '../torch/index.js';
import type { ProcessGroup } from './group.js';

/** DDP's default bucket_cap_mb. */
export const BUCKET_BYTES = 25 * 1024 * 1024;

const BYTES: Record<string, number> = { float32: 4, float64: 8, float16: 2, bfloat16: 2 };

/** Consecutive gradients of one dtype, up to maxBytes each (a larger gradient gets a bucket alone). */
export function bucketize(grads: readonly { dtype: string; numel: number }[], maxBytes = BUCKET_BYTES): number[][] {
  const buckets: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  grads.forEach((g, k) => {
    const size = g.numel * (BYTES[g.dtype] ?? 4);
    const first = current[0];
    if (current.length && (bytes + size > maxBytes || grads[first!]!.dtype !== g.dtype)) {
      buckets.push(current);
      current = [];
      bytes = 0;
    }
    current.push(k);
    bytes += size;
  });
  if (current.length) buckets.push(current);
  return buckets;
}

/**
 * Replaces each parameter's gradient with `scale` × the sum of that gradient over the group
 * (scale 1 / size: DDP's average). A parameter that got no gradient here counts as zeros, so every
 * rank reduces the same buckets. Every rank must pass the same parameters in the same order.
 */
export function allReduceGradients(group: ProcessGroup, params: readonly Tensor[], o: { scale?: number; bucketBytes?: number } = {}): void {
  const scale = o.scale ?? 1 / group.size;
  noGrad(() => scope(() => {
    const grads = params.map((p) => {
      const g = p.grad;
      if (g) return g;
      const zero = zerosLike(p);
      p.setGrad(zero);
      return zero;
    });
    for (const bucket of bucketize(grads, o.bucketBytes)) {
      scope(() => {
        const members = bucket.map((k) => grads[k]!);
        const flat = cat(members.map((g) => g.reshape(-1)));
        group.allReduce([flat], 'sum', 'gradient all-reduce');
        if (scale !== 1) flat.mul_(scale);
        const pieces = flat.split(members.map((g) => g.numel));
        members.forEach((g, j) => g.copy_(pieces[j]!.view(...g.shape)));
      });
    }
  }));
}
