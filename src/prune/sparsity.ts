// The hook for sparsity training (network slimming, Liu et al. 2017), for a later `train --sparsity s`:
// after backward and before the optimizer step, add s * sign(gamma) to every BatchNorm scale's
// gradient, the subgradient of s * sum |gamma|, so unimportant channels drift to zero and the `bn`
// criterion can then prune them. The training loop calls this; nothing here runs training.
import { noGrad, scope } from '../torch/index.js';
import type { Yolov5Model } from '../model/build.js';

/** Adds s * sign(gamma) to each BN weight's gradient; returns how many gradients it changed. */
export function addBnL1Subgradient(model: Yolov5Model, s: number): number {
  if (!(s >= 0)) throw new RangeError(`sparsity must be >= 0, got ${s}`);
  if (s === 0) return 0;
  let n = 0;
  noGrad(() => {
    for (const [name, p] of model.store.params) {
      if (!name.endsWith('.bn.weight')) continue;
      scope(() => {
        const g = p.grad;
        if (!g) return;
        g.add_(p.sign(), s);
        n++;
      });
    }
  });
  return n;
}
