// YOLOv5's Detect head as ONNX nodes, decoded as in inference (Detect.decode in model/blocks.ts):
// per level a 1x1 conv, [bs, na*no, ny, nx] -> [bs, na, ny*nx, no], sigmoid, then
// xy = (2*s + grid - 0.5) * stride, wh = (2*s)^2 * anchor, and all levels concatenated to
// [bs, anchors, no]. The grid is a constant for a fixed input size, or computed from the feature
// map's shape (Shape, Range, Expand) when the export has dynamic height and width.
import type { ParamStore } from '../torch/nn/index.js';
import { INT64_MAX, type OnnxGraph } from './onnx-graph.js';
import { DataType } from './onnx-proto.js';

export interface DetectHeadSpec {
  /** index of the Detect layer (its tensors are `model.<index>.m.<i>.weight/.bias`) */
  index: number;
  nc: number;
  na: number;
  strides: number[];
  /** per level, na (w, h) pairs in input pixels */
  anchorsPx: number[][];
}

/** The (x, y) - 0.5 grid of a level, flattened row-major: [1, 1, ny*nx, 2]. */
export function gridValues(ny: number, nx: number): Float32Array {
  const g = new Float32Array(ny * nx * 2);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      g[(y * nx + x) * 2] = x - 0.5;
      g[(y * nx + x) * 2 + 1] = y - 0.5;
    }
  }
  return g;
}

/** Anchors of the Detect layer in input pixels, from the store (autoanchor may have changed them). */
export function anchorsFromStore(store: ParamStore, index: number, strides: readonly number[]): number[][] {
  const t = store.get(`model.${index}.anchors`);
  if (!t) throw new Error(`ONNX export: the model has no tensor model.${index}.anchors`);
  const [nl, na] = t.shape as [number, number, number];
  const v = t.data() as Float32Array;
  return Array.from({ length: nl }, (_, i) => Array.from(v.subarray(i * na * 2, (i + 1) * na * 2), (a) => a * strides[i]!));
}

export class DetectEmitter {
  constructor(readonly g: OnnxGraph, readonly store: ParamStore, readonly spec: DetectHeadSpec) {}

  private weight(key: string): string {
    const t = this.store.get(key);
    if (!t) throw new Error(`ONNX export: the model has no tensor ${key}`);
    return this.g.floatTensor(key, t.shape, t.data() as Float32Array);
  }

  /** The grid of level i: a constant for a known size, else computed from `feature`'s shape. */
  private grid(feature: string, size: [number, number] | null, scope: string): string {
    if (size) return this.g.floatTensor(`${scope.slice(1)}/grid`, [1, 1, size[0] * size[1], 2], gridValues(size[0], size[1]));
    const g = this.g;
    const shape = g.node('Shape', [feature], {}, scope);
    const hw = g.node('Slice', [shape, g.int64Const([2]), g.int64Const([4]), g.int64Const([0])], {}, scope);
    const range = (axis: number, view: number[]): string => {
      const n = g.node('Gather', [shape, g.int64Const([axis], [])], { axis: 0 }, scope);
      const nf = g.node('Cast', [n], { to: DataType.FLOAT }, scope);
      const r = g.node('Range', [g.floatConst([0]), nf, g.floatConst([1])], {}, scope);
      const full = g.node('Expand', [g.node('Reshape', [r, g.int64Const(view)], {}, scope), hw], {}, scope);
      return g.node('Reshape', [full, g.int64Const([-1, 1])], {}, scope);
    };
    const xy = g.node('Concat', [range(3, [1, -1]), range(2, [-1, 1])], { axis: 1 }, scope);
    const shifted = g.node('Sub', [xy, g.floatConst([0.5])], {}, scope);
    return g.node('Reshape', [shifted, g.int64Const([1, 1, -1, 2])], {}, scope);
  }

  /** One level's decoded predictions [bs, na*ny*nx, no]. */
  private level(i: number, x: string, size: [number, number] | null): string {
    const { index, nc, na } = this.spec;
    const no = nc + 5;
    const g = this.g;
    const scope = `/model.${index}`;
    const conv = g.node('Conv', [x, this.weight(`model.${index}.m.${i}.weight`), this.weight(`model.${index}.m.${i}.bias`)], {
      dilations: [1, 1], group: 1, kernel_shape: [1, 1], pads: [0, 0, 0, 0], strides: [1, 1],
    }, `${scope}/m.${i}`);
    const grid = this.grid(conv, size, `${scope}/grid.${i}`);
    const flat = g.node('Reshape', [conv, g.int64Const([0, na, no, -1])], {}, scope);
    const s = g.node('Sigmoid', [g.node('Transpose', [flat], { perm: [0, 1, 3, 2] }, scope)], {}, scope);
    const part = (start: number, end: number | bigint) => g.node('Slice', [s, g.int64Const([start]), g.int64Const([end]), g.int64Const([3])], {}, scope);
    const two = g.floatConst([2]);
    const xy = g.node('Mul', [g.node('Add', [g.node('Mul', [part(0, 2), two], {}, scope), grid], {}, scope), g.floatConst([this.spec.strides[i]!])], {}, scope);
    const wh2 = g.node('Mul', [part(2, 4), two], {}, scope);
    const anchors = g.floatTensor(`${scope.slice(1)}/anchor_grid.${i}`, [1, na, 1, 2], Float32Array.from(this.spec.anchorsPx[i]!));
    const wh = g.node('Mul', [g.node('Mul', [wh2, wh2], {}, scope), anchors], {}, scope);
    const y = g.node('Concat', [xy, wh, part(4, INT64_MAX)], { axis: 3 }, scope);
    return g.node('Reshape', [y, g.int64Const([0, -1, no])], {}, scope);
  }

  /**
   * All levels concatenated into the output [bs, anchors, 5 + nc]; `sizes` are the levels' (ny, nx)
   * for a fixed input size, or null for dynamic shapes.
   */
  emit(inputs: string[], sizes: [number, number][] | null, outputName: string): string {
    const levels = inputs.map((x, i) => this.level(i, x, sizes ? sizes[i]! : null));
    return this.g.node('Concat', levels, { axis: 1 }, `/model.${this.spec.index}`, outputName);
  }
}
