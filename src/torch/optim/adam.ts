// Adam and AdamW, step for step as torch.optim.Adam / AdamW (no amsgrad).
import { Tensor } from '../tensor.js';
import { zerosLike } from '../creation.js';
import { Optimizer, type GroupOptions, type NamedParam } from './optimizer.js';

export interface AdamOptions extends GroupOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected update(p: NamedParam, grad: Tensor, o: AdamOptions): void {
    const s = this.scalars(p.name);
    s.step = (s.step ?? 0) + 1;
    if (this.decoupled) p.tensor.mul_(1 - o.lr * o.weightDecay);
    else if (o.weightDecay !== 0) grad = grad.add(p.tensor, o.weightDecay);
    const m = this.stateTensor(p.name, 'exp_avg', () => zerosLike(p.tensor));
    const v = this.stateTensor(p.name, 'exp_avg_sq', () => zerosLike(p.tensor));
    m.mul_(o.beta1).add_(grad, 1 - o.beta1);
    v.mul_(o.beta2).addcmul_(grad, grad, 1 - o.beta2);
    const bias1 = 1 - o.beta1 ** s.step;
    const bias2 = 1 - o.beta2 ** s.step;
    const denom = v.sqrt().div(Math.sqrt(bias2)).add_(o.eps);
    p.tensor.addcdiv_(m, denom, -o.lr / bias1);
  }
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(groups: { params: NamedParam[]; options?: Partial<AdamOptions> }[], defaults: Partial<AdamOptions> & { lr: number }) {
    super(groups, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, ...defaults });
  }
}

export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(groups: { params: NamedParam[]; options?: Partial<AdamOptions> }[], defaults: Partial<AdamOptions> & { lr: number }) {
    super(groups, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, ...defaults });
  }
}
