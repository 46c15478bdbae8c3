// YOLOv5's three optimizer parameter groups: biases (no decay), conv weights (decay scaled by the
// effective batch), BatchNorm weights (no decay). Built from the model's parameter names.
import type { ParamStore } from '../torch/nn/index.js';
import { SGD, Adam, AdamW, type NamedParam, type Optimizer, type GroupOptions } from '../torch/optim/index.js';

export type OptimizerName = 'SGD' | 'Adam' | 'AdamW';

export function parameterGroups(store: ParamStore): { bias: NamedParam[]; weight: NamedParam[]; bnWeight: NamedParam[] } {
  const bias: NamedParam[] = [];
  const weight: NamedParam[] = [];
  const bnWeight: NamedParam[] = [];
  for (const [name, tensor] of store.params) {
    if (name.endsWith('.bias')) bias.push({ name, tensor });
    else if (name.endsWith('.bn.weight')) bnWeight.push({ name, tensor });
    else weight.push({ name, tensor });
  }
  return { bias, weight, bnWeight };
}

/** smart_optimizer: group 0 biases, 1 weights with decay, 2 BN weights; Adam's beta1 = momentum. */
export function makeOptimizer(store: ParamStore, name: OptimizerName, lr: number, momentum: number, decay: number, extra: ParamStore[] = []): Optimizer<GroupOptions> {
  const g = parameterGroups(store);
  for (const e of extra) {
    const x = parameterGroups(e);
    g.bias.push(...x.bias);
    g.weight.push(...x.weight);
    g.bnWeight.push(...x.bnWeight);
  }
  const groups = [
    { params: g.bias, options: { weightDecay: 0 } },
    { params: g.weight, options: { weightDecay: decay } },
    { params: g.bnWeight, options: { weightDecay: 0 } },
  ];
  if (name === 'SGD') return new SGD(groups, { lr, momentum, nesterov: true }) as unknown as Optimizer<GroupOptions>;
  if (name === 'Adam') return new Adam(groups, { lr, beta1: momentum, beta2: 0.999 }) as unknown as Optimizer<GroupOptions>;
  return new AdamW(groups, { lr, beta1: momentum, beta2: 0.999, weightDecay: 0 }) as unknown as Optimizer<GroupOptions>;
}
