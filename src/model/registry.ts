// The block registry: one small builder per layer type, each making a Block from its spec.
import type { StorePath } from '../torch/nn/index.js';
import { Bottleneck, C3, Concat, ConvBnAct, Detect, Focus, SpatialPyramid, Upsample, type Block } from './blocks.js';
import type { LayerSpec, LayerType } from './spec.js';

export interface BuildContext {
  fused: boolean;
  /** strides of the Detect inputs, for the Detect builder */
  detectStride: number[];
}

type Builder<K extends LayerType> = (path: StorePath, layer: Extract<LayerSpec, { type: K }>, ctx: BuildContext) => Block;

const builders: { [K in LayerType]: Builder<K> } = {
  Conv: (path, l, ctx) => new ConvBnAct(path, l.conv, ctx.fused),
  Focus: (path, l, ctx) => new Focus(new ConvBnAct(path.sub('conv'), l.conv, ctx.fused)),
  Bottleneck: (path, l, ctx) => new Bottleneck(path, l.block, ctx.fused),
  C3: (path, l, ctx) =>
    new C3(
      new ConvBnAct(path.sub('cv1'), l.cv1, ctx.fused),
      new ConvBnAct(path.sub('cv2'), l.cv2, ctx.fused),
      new ConvBnAct(path.sub('cv3'), l.cv3, ctx.fused),
      l.m.map((b, i) => new Bottleneck(path.sub('m').sub(i), b, ctx.fused)),
    ),
  SPPF: (path, l, ctx) => new SpatialPyramid(new ConvBnAct(path.sub('cv1'), l.cv1, ctx.fused), new ConvBnAct(path.sub('cv2'), l.cv2, ctx.fused), [l.k, l.k, l.k], true),
  SPP: (path, l, ctx) => new SpatialPyramid(new ConvBnAct(path.sub('cv1'), l.cv1, ctx.fused), new ConvBnAct(path.sub('cv2'), l.cv2, ctx.fused), l.k, false),
  Concat: (_path, l) => new Concat(l.dim),
  Upsample: (_path, l) => new Upsample(l.scale),
  Detect: (path, l, ctx) => new Detect(path, l.nc, l.anchors, l.ch, ctx.detectStride),
};

export function buildBlock(path: StorePath, layer: LayerSpec, ctx: BuildContext): Block {
  const make = builders[layer.type] as Builder<typeof layer.type>;
  return make(path, layer as never, ctx);
}
