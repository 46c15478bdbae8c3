// SGD with momentum, dampening, Nesterov and weight decay, step for step as torch.optim.SGD.
import { Tensor } from '../tensor.js';
import { Optimizer, type GroupOptions, type NamedParam } from './optimizer.js';

export interface SGDOptions extends GroupOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(groups: { params: NamedParam[]; options?: Partial<SGDOptions> }[], defaults: Partial<SGDOptions> & { lr: number }) {
    super(groups, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...defaults });
  }

  protected update(p: NamedParam, grad: Tensor, o: SGDOptions): void {
    let d = o.weightDecay !== 0 ? grad.add(p.tensor, o.weightDecay) : grad;
    if (o.momentum !== 0) {
      const fresh = !this.tensorState.get(p.name)?.has('momentum_buffer');
      const buf = this.stateTensor(p.name, 'momentum_buffer', () => d.clone());
      if (!fresh) buf.mul_(o.momentum).add_(d, 1 - o.dampening);
      d = o.nesterov ? d.add(buf, o.momentum) : buf;
    }
    p.tensor.add_(d, -o.lr);
  }
}
