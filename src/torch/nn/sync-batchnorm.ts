// SyncBatchNorm (torch.nn.SyncBatchNorm) from ordinary differentiable ops: each process's per-channel
// count, mean and biased variance are gathered from every process, merged (Chan et al.'s parallel
// variance: no E[x²] - E[x]² cancellation), and x is normalised with the merged statistics. Autograd
// differentiates through the gather, so the backward pass carries every process's gradient of the
// statistics, as PyTorch's SyncBatchNorm backward does. Running statistics are updated with the
// global mean and the unbiased global variance.
import type { Tensor } from '../tensor.js';
import { full } from '../creation.js';
import { cat } from '../functional.js';
import { noGrad } from '../grad.js';
import { scope } from '../scope.js';
import type { BatchStatsGather } from './store.js';

interface BatchNormTensors {
  weight: Tensor;
  bias: Tensor;
  runningMean: Tensor;
  runningVar: Tensor;
  eps: number;
  momentum: number;
}

/** Training-mode batch norm of x [N, C, H, W] over the batches of every process of `gather`. */
export function syncBatchNorm(x: Tensor, bn: BatchNormTensors, gather: BatchStatsGather): Tensor {
  return scope(() => {
    const c = x.size(1);
    const perChannel = x.numel / c;
    const dims = [0, 2, 3];
    const local = cat([x.mean(dims), x.var(dims, false), full([1], perChannel)]);
    const all = gather.gatherWithGrad(local); // [world, 2c + 1]
    const counts = all.narrow(1, 2 * c, 1).detach(); // [world, 1]
    const total = counts.sum().item();
    const share = counts.div(total);
    const means = all.narrow(1, 0, c);
    const mean = means.mul(share).sum(0); // [c]
    const variance = all.narrow(1, c, c).add(means.sub(mean).square()).mul(share).sum(0); // biased
    noGrad(() => {
      bn.runningMean.mul_(1 - bn.momentum).add_(mean, bn.momentum);
      const unbiased = total > 1 ? variance.mul(total / (total - 1)) : variance;
      bn.runningVar.mul_(1 - bn.momentum).add_(unbiased, bn.momentum);
    });
    const scale = variance.add(bn.eps).rsqrt().mul(bn.weight).view(1, c, 1, 1);
    return x.sub(mean.view(1, c, 1, 1)).mul(scale).add(bn.bias.view(1, c, 1, 1));
  });
}
