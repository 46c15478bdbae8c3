// What a training run does differently as one rank of a data-parallel group, as YOLOv5's train.py
// does it with DDP: the per-process batch, identical starting weights (broadcast from rank 0),
// gradients summed over the ranks before the optimizer step, one run folder and one validation
// (rank 0's, whose numbers every rank then uses, so every rank takes the same early-stopping
// decision), and a barrier after rank 0's checkpoint.
import { noGrad, scope, tensor, type Tensor } from '../torch/index.js';
import type { ParamStore } from '../torch/nn/index.js';
import type { Yolov5Model } from '../model/build.js';
import type { ValResult } from '../train/loop.js';
import { allReduceGradients } from './grad-sync.js';
import { perProcessBatch } from './launch-config.js';
import type { ProcessGroup } from './group.js';

type Validate = (model: Yolov5Model) => Promise<ValResult>;

export class DataParallelError extends Error {
  override name = 'DataParallelError';
}

export class DataParallel {
  constructor(readonly group: ProcessGroup) {}

  get isMain(): boolean {
    return this.group.isMain;
  }

  get world(): number {
    return this.group.size;
  }

  get shard(): { rank: number; world: number } {
    return { rank: this.group.rank, world: this.group.size };
  }

  /** YOLOv5's rule: --batch-size is the total over all processes, split evenly. */
  rankBatch(batchSize: number): number {
    return perProcessBatch(batchSize, this.world);
  }

  /** Made once, by rank 0 (the run folder: exp, exp2, ...), and read by every rank. */
  shared(key: string, make: () => string): string {
    if (!this.isMain) return this.group.get(key);
    const value = make();
    this.group.set(key, value);
    return value;
  }

  /** Rank 0's parameters and buffers everywhere (DDP's construction-time broadcast). */
  broadcastState(stores: readonly (ParamStore | undefined)[]): void {
    const tensors = stores.flatMap((s) => (s ? [...s.params.values(), ...s.buffers.values()] : []));
    noGrad(() => this.group.broadcast(tensors, 0, 'broadcasting the initial weights from rank 0'));
  }

  /**
   * Before each optimizer step: every rank's gradients summed (scale 1). YOLOv5 multiplies each rank's
   * loss by WORLD_SIZE and DDP averages the gradients, which is the same sum: the gradient of the
   * loss of the whole batch, as one process with batch-size images would compute it. Summing once per
   * step instead of once per backward is the same too (accumulation is a sum), and clipping follows.
   */
  reduceGradients(params: readonly Tensor[]): void {
    allReduceGradients(this.group, params, { scale: 1 });
  }

  /** Rank 0 validates; every rank returns its numbers (so best epoch and patience agree everywhere). */
  validation(validate: Validate | null): Validate {
    return async (model) => {
      if (this.isMain && !validate) throw new DataParallelError('rank 0 has no validation to run');
      const r = this.isMain ? await validate!(model) : null;
      return scope(() => {
        const t = tensor(Float64Array.from(r ? [r.precision, r.recall, r.map50, r.map, ...r.losses] : [0, 0, 0, 0, 0, 0, 0]));
        this.group.broadcast([t], 0, 'waiting for rank 0\'s validation');
        const v = t.toArray();
        return { precision: v[0]!, recall: v[1]!, map50: v[2]!, map: v[3]!, losses: [v[4]!, v[5]!, v[6]!] as [number, number, number] };
      });
    };
  }

  /** Every rank waits here while rank 0 writes the epoch's checkpoints. */
  afterSave(): void {
    this.group.barrier('waiting for rank 0 to save the checkpoint');
  }
}
