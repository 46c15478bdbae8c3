// Importance criteria: one score per output filter of a conv, from its tensors as they are now
// (lower = pruned first). l1 / l2: the norm of the filter's weights (torch.norm over each filter,
// as the original's L1Strategy); bn: |gamma| of its BatchNorm (network slimming); random: seeded;
// taylor: sum over the filter of |w · dL/dw|, from gradients gathered on a few batches.
import type { Tensor } from '../torch/index.js';
import { noGrad, scope } from '../torch/index.js';
import type { Yolov5Model } from '../model/build.js';
import type { ConvTensors } from './apply.js';
import { mulberry32 } from '../data/rng.js';

export const IMPORTANCE_METHODS = ['l1', 'l2', 'bn', 'random', 'taylor'] as const;
export type ImportanceMethod = (typeof IMPORTANCE_METHODS)[number];

export interface Importance {
  readonly method: ImportanceMethod;
  /** one score per output filter of `conv` */
  scores(conv: string, t: ConvTensors): number[];
}

export interface ImportanceOptions {
  /** seed of the random criterion (default 0) */
  seed?: number;
}

function filterNorm(w: Tensor, p: number): number[] {
  return noGrad(() => scope(() => w.flatten(1).norm(p, [1]).toArray()));
}

/** FNV-1a of a string, for per-conv seeds. */
function hash(s: string, seed: number): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

const CRITERIA: Record<ImportanceMethod, (o: ImportanceOptions) => Importance['scores']> = {
  l1: () => (_c, t) => filterNorm(t.weight, 1),
  l2: () => (_c, t) => filterNorm(t.weight, 2),
  bn: () => (conv, t) => {
    if (!t.bnWeight) throw new Error(`${conv}: the bn criterion needs a BatchNorm`);
    return noGrad(() => scope(() => t.bnWeight!.abs().toArray()));
  },
  random: (o) => (conv, t) => {
    const next = mulberry32(hash(conv, o.seed ?? 0));
    return Array.from({ length: t.weight.size(0) }, next);
  },
  taylor: () => (conv, t) => {
    if (!t.grad) throw new Error(`${conv}: the taylor criterion needs gradients (see taylorGradients)`);
    return noGrad(() => scope(() => t.weight.mul(t.grad!).abs().flatten(1).sum([1]).toArray()));
  },
};

export function makeImportance(method: ImportanceMethod, opts: ImportanceOptions = {}): Importance {
  const scores = CRITERIA[method];
  if (!scores) throw new Error(`unknown importance '${method}' (one of ${IMPORTANCE_METHODS.join(', ')})`);
  return { method, scores: scores(opts) };
}

/** Produces a scalar loss for batch `i` with the model in the mode it needs (a data loader, later). */
export type LossFn = (model: Yolov5Model, batch: number) => Tensor;

/**
 * Gradients of every conv weight, accumulated over `batches` calls of `loss` (for taylor). The
 * returned tensors are the caller's (dispose them); the model's own .grad are cleared after.
 */
export function taylorGradients(model: Yolov5Model, loss: LossFn, batches: number): Map<string, Tensor> {
  const weights = [...model.store.params].filter(([name, t]) => name.endsWith('weight') && t.ndim === 4);
  for (const [, p] of weights) p.zeroGrad();
  for (let b = 0; b < batches; b++) scope(() => loss(model, b).backward());
  const grads = new Map<string, Tensor>();
  for (const [name, p] of weights) {
    const g = p.grad;
    if (g) grads.set(name, g);
    p.zeroGrad();
  }
  return grads;
}
