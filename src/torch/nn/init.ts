// Weight initialisation as torch.nn does it by default.
import { Tensor } from '../tensor.js';
import { empty, type Generator } from '../creation.js';

/** Fan-in of a conv/linear weight [out, in/groups, ...kernel]. */
export function fanIn(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

export function uniform(shape: readonly number[], bound: number, generator?: Generator): Tensor {
  return empty(shape).uniform_(-bound, bound, generator);
}

/** torch.nn.init.kaiming_uniform_(w, a=sqrt(5)), the Conv2d/Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function defaultWeight(shape: readonly number[], generator?: Generator): Tensor {
  const gain = Math.sqrt(2 / (1 + 5));
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fanIn(shape)));
  return uniform(shape, bound, generator);
}

/** The Conv2d/Linear default bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function defaultBias(outChannels: number, weightShape: readonly number[], generator?: Generator): Tensor {
  const fan = fanIn(weightShape);
  return uniform([outChannels], fan > 0 ? 1 / Math.sqrt(fan) : 0, generator);
}
