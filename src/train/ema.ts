// Model EMA (YOLOv5's ModelEMA): an exponential moving average of every floating-point tensor
// of the model, with decay ramping up as decay * (1 - exp(-updates / tau)). It lives in a second
// ParamStore (usually a second model of the same spec) used to validate and save.
import { noGrad, type Tensor } from '../torch/index.js';
import type { ParamStore } from '../torch/nn/index.js';

export class ModelEMA {
  readonly shadow: Map<string, Tensor>;

  /** target: the store holding the averages; it starts as a copy of source. */
  constructor(source: ParamStore, readonly target: ParamStore, public updates = 0, readonly decay = 0.9999, readonly tau = 2000) {
    this.shadow = target.stateDict();
    noGrad(() => {
      for (const [name, v] of this.shadow) v.copy_(source.get(name)!);
    });
  }

  currentDecay(): number {
    return this.decay * (1 - Math.exp(-this.updates / this.tau));
  }

  update(source: ParamStore): void {
    this.updates += 1;
    const d = this.currentDecay();
    noGrad(() => {
      for (const [name, v] of this.shadow) {
        if (v.dtype !== 'float32' && v.dtype !== 'float64' && v.dtype !== 'float16') continue;
        v.mul_(d).add_(source.get(name)!, 1 - d);
      }
    });
  }
}
