// Shared optimizer machinery: named parameter groups, per-parameter state, zeroGrad and a
// serialisable state (tensors by name + JSON) so training can resume exactly.
import { Tensor } from '../tensor.js';
import { keep, unkeep, scope } from '../scope.js';
import { noGrad } from '../grad.js';
import { TorchError } from '../errors.js';

export interface NamedParam {
  name: string;
  tensor: Tensor;
}

export interface GroupOptions {
  lr: number;
  weightDecay?: number;
  [hyper: string]: number | boolean | undefined;
}

export interface ParamGroup<O extends GroupOptions> {
  params: NamedParam[];
  options: O;
}

export interface OptimizerState {
  /** group hyperparameters and the parameter names of each group */
  groups: { options: GroupOptions; params: string[] }[];
  /** per-parameter scalars such as step counts */
  scalars: Record<string, Record<string, number>>;
  /** per-parameter tensors, keyed `<param name>/<state name>` */
  tensors: Map<string, Tensor>;
}

export abstract class Optimizer<O extends GroupOptions> {
  readonly groups: ParamGroup<O>[] = [];
  protected readonly tensorState = new Map<string, Map<string, Tensor>>();
  protected readonly scalarState = new Map<string, Record<string, number>>();

  constructor(groups: { params: NamedParam[]; options?: Partial<O> }[], protected readonly defaults: O) {
    const seen = new Set<string>();
    for (const g of groups) {
      for (const p of g.params) {
        if (seen.has(p.name)) throw new TorchError(this.constructor.name, [], `parameter ${p.name} is in two groups`);
        seen.add(p.name);
      }
      this.groups.push({ params: g.params, options: { ...defaults, ...g.options } as O });
    }
  }

  /** One update of every parameter with a gradient. */
  step(): void {
    noGrad(() => {
      for (const group of this.groups) {
        for (const p of group.params) {
          scope(() => {
            const grad = p.tensor.grad;
            if (grad) this.update(p, grad, group.options);
          });
        }
      }
    });
  }

  protected abstract update(p: NamedParam, grad: Tensor, o: O): void;

  zeroGrad(): void {
    for (const g of this.groups) for (const p of g.params) p.tensor.setGrad(null);
  }

  protected stateTensor(param: string, key: string, init: () => Tensor): Tensor {
    let m = this.tensorState.get(param);
    if (!m) this.tensorState.set(param, (m = new Map()));
    let t = m.get(key);
    if (!t) m.set(key, (t = keep(init())));
    return t;
  }

  protected scalars(param: string): Record<string, number> {
    let s = this.scalarState.get(param);
    if (!s) this.scalarState.set(param, (s = {}));
    return s;
  }

  /** References to the live state tensors (do not dispose them); clone to keep a snapshot. */
  stateDict(): OptimizerState {
    const tensors = new Map<string, Tensor>();
    for (const [param, m] of this.tensorState) for (const [k, t] of m) tensors.set(`${param}/${k}`, t);
    return {
      groups: this.groups.map((g) => ({ options: { ...g.options }, params: g.params.map((p) => p.name) })),
      scalars: Object.fromEntries(this.scalarState),
      tensors,
    };
  }

  /** Restores hyperparameters and state saved by stateDict(); parameters are matched by name. */
  loadStateDict(state: OptimizerState): void {
    if (state.groups.length !== this.groups.length) {
      throw new TorchError('loadStateDict', [], `saved optimizer has ${state.groups.length} parameter groups, this one ${this.groups.length}`);
    }
    state.groups.forEach((g, i) => Object.assign(this.groups[i]!.options, g.options));
    this.disposeState();
    for (const [param, s] of Object.entries(state.scalars)) this.scalarState.set(param, { ...s });
    noGrad(() => {
      for (const [key, t] of state.tensors) {
        const cut = key.lastIndexOf('/');
        this.stateTensor(key.slice(0, cut), key.slice(cut + 1), () => t.clone());
      }
    });
  }

  private disposeState(): void {
    for (const m of this.tensorState.values()) for (const t of m.values()) unkeep(t).dispose();
    this.tensorState.clear();
    this.scalarState.clear();
  }

  dispose(): void {
    this.disposeState();
  }
}
