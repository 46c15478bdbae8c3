// The per-layer channel pruners, one per kind of convolution node, in one typed table: which
// tensors lose entries (and along which dimension) when a node loses output or input channels.
import type { Tensor } from '../torch/index.js';
import { tensor, noGrad, keep } from '../torch/index.js';

/** YOLOv5's Conv (conv without bias + BatchNorm + SiLU), or one of Detect's plain 1x1 output convs. */
export type OpKind = 'Conv' | 'DetectConv';

export interface TensorAxis {
  name: string;
  dim: number;
}

export interface ChannelPruner {
  /** false: its output channels are fixed (Detect's outputs are anchors x (5 + nc)) */
  readonly prunesOutputs: boolean;
  /** tensors sliced when output channels go */
  outputs(id: string): TensorAxis[];
  /** tensors sliced when input channels go */
  inputs(id: string): TensorAxis[];
}

const BN_PER_CHANNEL = ['weight', 'bias', 'running_mean', 'running_var'];

export const PRUNERS: Record<OpKind, ChannelPruner> = {
  Conv: {
    prunesOutputs: true,
    outputs: (id) => [{ name: `${id}.conv.weight`, dim: 0 }, ...BN_PER_CHANNEL.map((t) => ({ name: `${id}.bn.${t}`, dim: 0 }))],
    inputs: (id) => [{ name: `${id}.conv.weight`, dim: 1 }],
  },
  DetectConv: {
    prunesOutputs: false,
    outputs: () => [],
    inputs: (id) => [{ name: `${id}.weight`, dim: 1 }],
  },
};

/** The conv weight a node is scored on, and its BN scale when it has one. */
export function scoredTensors(kind: OpKind, id: string): { weight: string; bnWeight?: string } {
  return kind === 'Conv' ? { weight: `${id}.conv.weight`, bnWeight: `${id}.bn.weight` } : { weight: `${id}.weight` };
}

/** A new tensor holding the entries `indices` of `t` along `dim` (no autograd history; kept). */
export function sliceChannels(t: Tensor, dim: number, indices: readonly number[]): Tensor {
  return noGrad(() => {
    const idx = tensor(Int32Array.from(indices), { dtype: 'int64' });
    try {
      return keep(t.indexSelect(dim, idx));
    } finally {
      idx.dispose();
    }
  });
}
