// Applying removals. A WorkingCopy holds the model's tensors by name and the current channel
// counts; removing channels of a group slices its members' output tensors (conv + BN) and every
// consumer's input tensors, into new tensors. The source model is never touched: its tensors are
// only read, and `build()` makes a new Yolov5Model from the new spec and the sliced tensors.
import type { Tensor } from '../torch/index.js';
import { unkeep } from '../torch/index.js';
import { Yolov5Model } from '../model/build.js';
import type { ModelSpec } from '../model/spec.js';
import { consumerRemovals, groupSize, keptIndices, type Channels, type ChannelGroup } from './groups.js';
import type { PruneGraph } from './graph.js';
import { PRUNERS, scoredTensors, sliceChannels, type TensorAxis } from './pruners.js';
import { specWithChannels } from './resize.js';

/** Companion tensors (e.g. gradients for Taylor scoring) are sliced with their tensor: `grad:<name>`. */
export const GRAD_PREFIX = 'grad:';

export interface ConvTensors {
  weight: Tensor;
  bnWeight?: Tensor;
  grad?: Tensor;
}

export class WorkingCopy {
  readonly tensors: Map<string, Tensor>;
  readonly channels: Channels;
  private readonly owned = new Set<Tensor>();

  /**
   * `source`: the model's tensors by name (read, never changed or disposed here);
   * `companions`: tensors sliced along with the tensor of the same name (owned by the caller).
   */
  constructor(readonly graph: PruneGraph, source: ReadonlyMap<string, Tensor>, companions: ReadonlyMap<string, Tensor> = new Map()) {
    this.tensors = new Map(source);
    for (const [name, t] of companions) this.tensors.set(GRAD_PREFIX + name, t);
    this.channels = graph.initialChannels();
  }

  static of(graph: PruneGraph, model: Yolov5Model, companions?: ReadonlyMap<string, Tensor>): WorkingCopy {
    return new WorkingCopy(graph, model.store.stateDict(), companions);
  }

  size(g: ChannelGroup): number {
    return groupSize(g, this.channels);
  }

  /** The tensors a conv is scored on, as they are now. */
  convTensors(conv: string): ConvTensors {
    const names = scoredTensors(this.graph.nodes.get(conv)!.kind, conv);
    const weight = this.tensors.get(names.weight);
    if (!weight) throw new Error(`no tensor ${names.weight}`);
    return { weight, bnWeight: names.bnWeight ? this.tensors.get(names.bnWeight) : undefined, grad: this.tensors.get(GRAD_PREFIX + names.weight) };
  }

  /** Removes output channels `removed` (indices into the group's current channels) of group `g`. */
  remove(g: ChannelGroup, removed: readonly number[]): void {
    if (!g.prunable) throw new Error(`channels of ${g.members.join(', ')} cannot be pruned: ${g.reason}`);
    const kept = keptIndices(this.size(g), removed, g.members[0]!);
    const inputs = consumerRemovals(this.graph, g, removed, this.channels);
    for (const m of g.members) {
      for (const axis of PRUNERS[this.graph.nodes.get(m)!.kind].outputs(m)) this.slice(axis, kept);
      this.channels.get(m)!.c2 = kept.length;
    }
    for (const [conv, gone] of inputs) {
      const ch = this.channels.get(conv)!;
      const keptIn = keptIndices(ch.c1, gone, conv);
      for (const axis of PRUNERS[this.graph.nodes.get(conv)!.kind].inputs(conv)) this.slice(axis, keptIn);
      ch.c1 = keptIn.length;
    }
  }

  spec(): ModelSpec {
    return specWithChannels(this.graph.spec, this.channels);
  }

  /** A new model with the pruned architecture and the current tensors. */
  build(names: string[]): Yolov5Model {
    const model = new Yolov5Model(this.spec(), names);
    try {
      const own = new Map([...this.tensors].filter(([k]) => !k.startsWith(GRAD_PREFIX)));
      model.store.loadStateDict(own, { strict: true });
    } catch (e) {
      model.dispose();
      throw e;
    }
    return model;
  }

  /** Frees the sliced tensors made here (the source's and the companions' stay). */
  dispose(): void {
    for (const t of this.owned) unkeep(t).dispose();
    this.owned.clear();
  }

  private slice(axis: TensorAxis, kept: readonly number[]): void {
    for (const name of [axis.name, GRAD_PREFIX + axis.name]) {
      const old = this.tensors.get(name);
      if (!old) {
        if (name === axis.name) throw new Error(`no tensor ${name}`);
        continue;
      }
      const next = sliceChannels(old, axis.dim, kept);
      this.owned.add(next);
      this.tensors.set(name, next);
      if (this.owned.delete(old)) unkeep(old).dispose();
    }
  }
}
