// Model EMA (YOLOv5's ModelEMA): an exponential moving average of every floating-point tensor
// of the model, with decay ramping up as decay * (1 - exp(-updates / tau)). Used to validate and save.
import { noGrad, keep, unkeep, type Tensor } from '../torch/index.js';
import type { ParamStore } from '../torch/nn/index.js';

export class ModelEMA {
  readonly shadow = new Map<string, Tensor>();

  constructor(source: ParamStore, public updates = 0, readonly decay = 0.9999, readonly tau = 2000) {
    noGrad(() => {
      for (const [name, t] of source.stateDict()) this.shadow.set(name, keep(t.detach().clone()));
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

  /** Replaces the shadow values (resume). */
  load(values: ReadonlyMap<string, Tensor>): void {
    noGrad(() => {
      for (const [name, v] of this.shadow) {
        const src = values.get(name);
        if (src) v.copy_(src);
      }
    });
  }

  dispose(): void {
    for (const t of this.shadow.values()) unkeep(t).dispose();
    this.shadow.clear();
  }
}
