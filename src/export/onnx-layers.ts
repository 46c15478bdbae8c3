// YOLOv5's layers as ONNX nodes, from the model spec and a fused model's tensors: each Conv is
// one ONNX Conv with bias (BatchNorm folded in) and SiLU as x * sigmoid(x). Channels come from
// the tensors themselves, so pruned models need nothing special.
import type { ParamStore } from '../torch/nn/index.js';
import { convModulePath, type BottleneckSpec, type ConvSpec, type LayerSpec } from '../model/spec.js';
import { INT64_MAX, type OnnxGraph } from './onnx-graph.js';

/** Emits the non-Detect layers of a model into a graph. */
export class LayerEmitter {
  constructor(readonly g: OnnxGraph, readonly store: ParamStore, readonly opset: number) {}

  /** A store tensor as an initializer named after its checkpoint key. */
  weight(key: string): string {
    const t = this.store.get(key);
    if (!t) throw new Error(`ONNX export: the model has no tensor ${key} (is it fused?)`);
    return this.g.floatTensor(key, t.shape, t.data() as Float32Array);
  }

  /** YOLOv5's Conv (fused): Conv with bias, then SiLU when `act`. */
  conv(path: string, spec: ConvSpec, x: string): string {
    const scope = `/${path.replaceAll('.', '/').replace(/^model\/(\d+)/, 'model.$1')}`;
    const w = this.weight(`${path}.conv.weight`);
    const b = this.weight(`${path}.conv.bias`);
    const y = this.g.node('Conv', [x, w, b], {
      dilations: [spec.d, spec.d],
      group: spec.g,
      kernel_shape: [spec.k, spec.k],
      pads: [spec.p, spec.p, spec.p, spec.p],
      strides: [spec.s, spec.s],
    }, `${scope}/conv`);
    return spec.act ? this.silu(y, `${scope}/act`) : y;
  }

  silu(x: string, scope: string): string {
    const s = this.g.node('Sigmoid', [x], {}, scope);
    return this.g.node('Mul', [x, s], {}, scope);
  }

  bottleneck(path: string, b: BottleneckSpec, x: string): string {
    const h = this.conv(`${path}.cv1`, b.cv1, x);
    const y = this.conv(`${path}.cv2`, b.cv2, h);
    return b.add ? this.g.node('Add', [x, y], {}, `/${path}`) : y;
  }

  maxPool(x: string, k: number, scope: string): string {
    const p = Math.floor(k / 2);
    return this.g.node('MaxPool', [x], { ceil_mode: 0, kernel_shape: [k, k], pads: [p, p, p, p], strides: [1, 1] }, scope);
  }

  /** Resize with nearest neighbour as torch's Upsample(scale_factor, 'nearest') computes it. */
  upsample(x: string, scale: number, scope: string): string {
    // opset 11-12 need a roi input even when unused; later opsets take an empty name
    const roi = this.opset < 13 ? this.g.floatConst([], [0]) : '';
    const scales = this.g.floatConst([1, 1, scale, scale]);
    return this.g.node('Resize', [x, roi, scales], {
      coordinate_transformation_mode: 'asymmetric',
      mode: 'nearest',
      nearest_mode: 'floor',
    }, scope);
  }

  /** Focus: the four pixel-parity sub-images concatenated on channels, then a Conv. */
  focus(path: string, conv: ConvSpec, x: string): string {
    const parts = [[0, 0], [1, 0], [0, 1], [1, 1]].map(([r, c]) => this.g.node('Slice', [
      x, this.g.int64Const([r!, c!]), this.g.int64Const([INT64_MAX, INT64_MAX]), this.g.int64Const([2, 3]), this.g.int64Const([2, 2]),
    ], {}, `/${path}`));
    return this.conv(`${path}.conv`, conv, this.g.node('Concat', parts, { axis: 1 }, `/${path}`));
  }

  /** One layer (not Detect); `inputs` are the names of its inputs' outputs. */
  layer(i: number, layer: LayerSpec, inputs: string[]): string {
    const path = `model.${i}`;
    const x = inputs[0]!;
    switch (layer.type) {
      case 'Conv':
        return this.conv(convModulePath(i, ''), layer.conv, x);
      case 'Focus':
        return this.focus(path, layer.conv, x);
      case 'Bottleneck':
        return this.bottleneck(path, layer.block, x);
      case 'C3': {
        let a = this.conv(`${path}.cv1`, layer.cv1, x);
        layer.m.forEach((b, j) => { a = this.bottleneck(`${path}.m.${j}`, b, a); });
        const b = this.conv(`${path}.cv2`, layer.cv2, x);
        return this.conv(`${path}.cv3`, layer.cv3, this.g.node('Concat', [a, b], { axis: 1 }, `/${path}`));
      }
      case 'SPPF':
      case 'SPP': {
        const h = this.conv(`${path}.cv1`, layer.cv1, x);
        const parts = [h];
        const kernels = layer.type === 'SPPF' ? [layer.k, layer.k, layer.k] : layer.k;
        for (const k of kernels) {
          const src = layer.type === 'SPPF' ? parts[parts.length - 1]! : h;
          parts.push(this.maxPool(src, k, `/${path}/m`));
        }
        return this.conv(`${path}.cv2`, layer.cv2, this.g.node('Concat', parts, { axis: 1 }, `/${path}`));
      }
      case 'Concat':
        return this.g.node('Concat', inputs, { axis: layer.dim }, `/${path}`);
      case 'Upsample':
        return this.upsample(x, layer.scale, `/${path}`);
      case 'Detect':
        throw new Error('Detect is emitted by the Detect head');
    }
  }
}
