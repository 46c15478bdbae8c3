// The parameter store: every parameter and buffer of a model under its dotted name
// (`model.0.conv.weight`, equal to the checkpoint keys), plus the train/eval mode.
import { Tensor } from '../tensor.js';
import { keep, unkeep } from '../scope.js';
import { noGrad } from '../grad.js';
import { TorchError } from '../errors.js';

export interface LoadReport {
  loaded: string[];
  missing: string[];
  unexpected: string[];
  mismatched: { name: string; expected: number[]; got: number[] }[];
}

/**
 * What SyncBatchNorm needs from a process group (src/dist's ProcessGroup): every process's tensor,
 * stacked in rank order, through an op autograd differentiates.
 */
export interface BatchStatsGather {
  gatherWithGrad(t: Tensor): Tensor;
}

export interface ParamStoreOptions {
  /**
   * SyncBatchNorm: in training mode, every BatchNorm of this store normalises with the batch
   * statistics of all processes of a data-parallel group (and updates its running statistics
   * with them), as torch.nn.SyncBatchNorm does; null: each process's own batch.
   */
  syncBatchNorm?: BatchStatsGather | null;
}

export class ParamStore {
  readonly params = new Map<string, Tensor>();
  readonly buffers = new Map<string, Tensor>();
  training = true;
  readonly syncBatchNorm: BatchStatsGather | null;

  constructor(o: ParamStoreOptions = {}) {
    this.syncBatchNorm = o.syncBatchNorm ?? null;
  }

  root(): StorePath {
    return new StorePath(this, '');
  }

  /** Registers a trainable tensor (kept alive until the store is disposed). */
  addParameter(name: string, value: Tensor): Tensor {
    this.claim(name);
    keep(value);
    if (!value.requiresGrad) value.requiresGrad_(true);
    this.params.set(name, value);
    return value;
  }

  addBuffer(name: string, value: Tensor): Tensor {
    this.claim(name);
    this.buffers.set(name, keep(value));
    return value;
  }

  get(name: string): Tensor | undefined {
    return this.params.get(name) ?? this.buffers.get(name);
  }

  /** Parameters then buffers, in registration order: what a checkpoint holds. */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.params, ...this.buffers]);
  }

  numParameters(): number {
    let n = 0;
    for (const p of this.params.values()) n += p.numel;
    return n;
  }

  train(on = true): void {
    this.training = on;
  }

  eval(): void {
    this.training = false;
  }

  /** Copies values in place (shapes must match); reports what did not fit instead of failing. */
  loadStateDict(source: ReadonlyMap<string, Tensor>, opts: { strict?: boolean } = {}): LoadReport {
    const report: LoadReport = { loaded: [], missing: [], unexpected: [], mismatched: [] };
    const own = this.stateDict();
    noGrad(() => {
      for (const [name, dst] of own) {
        const src = source.get(name);
        if (!src) report.missing.push(name);
        else if (!sameShape(src.shape, dst.shape)) report.mismatched.push({ name, expected: dst.shape, got: src.shape });
        else {
          dst.copy_(src);
          report.loaded.push(name);
        }
      }
    });
    for (const name of source.keys()) if (!own.has(name)) report.unexpected.push(name);
    if (opts.strict && (report.missing.length || report.unexpected.length || report.mismatched.length)) {
      const parts = [
        report.missing.length ? `missing ${report.missing.slice(0, 5).join(', ')}${report.missing.length > 5 ? ', ...' : ''}` : '',
        report.unexpected.length ? `unexpected ${report.unexpected.slice(0, 5).join(', ')}` : '',
        report.mismatched.length ? `shape mismatch ${report.mismatched.slice(0, 3).map((m) => `${m.name} [${m.got}] vs [${m.expected}]`).join(', ')}` : '',
      ].filter(Boolean);
      throw new TorchError('loadStateDict', [], parts.join('; '));
    }
    return report;
  }

  /** Swaps a tensor for another of any shape (pruning): the old one is disposed. */
  replace(name: string, value: Tensor): void {
    const map = this.params.has(name) ? this.params : this.buffers.has(name) ? this.buffers : null;
    if (!map) throw new TorchError('replace', [], `no tensor named ${name}`);
    const old = map.get(name)!;
    keep(value);
    if (map === this.params && !value.requiresGrad) value.requiresGrad_(true);
    map.set(name, value);
    if (old !== value) old.dispose();
  }

  dispose(): void {
    for (const t of [...this.params.values(), ...this.buffers.values()]) {
      unkeep(t);
      t.dispose();
    }
    this.params.clear();
    this.buffers.clear();
  }

  private claim(name: string): void {
    if (this.params.has(name) || this.buffers.has(name)) throw new TorchError('ParamStore', [], `duplicate tensor name ${name}`);
  }
}

/** A prefix inside a store: blocks build their tensors from a path, never from globals. */
export class StorePath {
  constructor(readonly store: ParamStore, readonly prefix: string) {}

  sub(name: string | number): StorePath {
    return new StorePath(this.store, this.name(String(name)));
  }

  name(leaf: string): string {
    return this.prefix ? `${this.prefix}.${leaf}` : leaf;
  }

  param(leaf: string, init: () => Tensor): Tensor {
    return this.store.addParameter(this.name(leaf), noGrad(init));
  }

  buffer(leaf: string, init: () => Tensor): Tensor {
    return this.store.addBuffer(this.name(leaf), noGrad(init));
  }

  get training(): boolean {
    return this.store.training;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
