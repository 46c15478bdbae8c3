// Transfer learning: copy every tensor of a checkpoint whose name and shape match the new model
// (YOLOv5's intersect_dicts), so a different class count re-initialises only the Detect outputs.
import type { Tensor } from '../torch/index.js';
import type { ParamStore } from '../torch/nn/index.js';

export interface TransferReport {
  transferred: number;
  total: number;
  skipped: string[];
}

export function transferWeights(target: ParamStore, source: ReadonlyMap<string, Tensor>, exclude: readonly string[] = []): TransferReport {
  const fitting = new Map<string, Tensor>();
  const skipped: string[] = [];
  for (const [name, dst] of target.stateDict()) {
    const src = source.get(name);
    const shapeOk = src && src.shape.length === dst.shape.length && src.shape.every((s, i) => s === dst.shape[i]);
    if (src && shapeOk && !exclude.some((x) => name.includes(x))) fitting.set(name, src);
    else skipped.push(name);
  }
  target.loadStateDict(fitting);
  return { transferred: fitting.size, total: target.stateDict().size, skipped };
}
