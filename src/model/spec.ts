// The model specification: YOLOv5's yaml (depth/width multiples, [from, number, module, args] rows)
// resolved into explicit per-convolution channel counts. Channels are data, so a pruned model,
// whose channels no multiple explains, is described, saved and rebuilt exactly.

/** One convolution + BN + SiLU (YOLOv5's Conv), or a plain conv inside Detect. */
export interface ConvSpec {
  c1: number;
  c2: number;
  k: number;
  s: number;
  p: number;
  g: number;
  d: number;
  act: boolean;
}

export interface BottleneckSpec {
  cv1: ConvSpec;
  cv2: ConvSpec;
  /** residual add: fixed when the spec is made (c1 == c2 and shortcut), kept through pruning */
  add: boolean;
}

export type LayerSpec =
  | { type: 'Conv'; from: number[]; conv: ConvSpec }
  | { type: 'Focus'; from: number[]; conv: ConvSpec }
  | { type: 'Bottleneck'; from: number[]; block: BottleneckSpec }
  | { type: 'C3'; from: number[]; cv1: ConvSpec; cv2: ConvSpec; cv3: ConvSpec; m: BottleneckSpec[] }
  | { type: 'SPPF'; from: number[]; cv1: ConvSpec; cv2: ConvSpec; k: number }
  | { type: 'SPP'; from: number[]; cv1: ConvSpec; cv2: ConvSpec; k: number[] }
  | { type: 'Concat'; from: number[]; dim: number }
  | { type: 'Upsample'; from: number[]; scale: number }
  | { type: 'Detect'; from: number[]; nc: number; anchors: number[][]; ch: number[] };

export type LayerType = LayerSpec['type'];

export interface ModelSpec {
  format: 'yolotrim-model/1';
  nc: number;
  inputChannels: number;
  layers: LayerSpec[];
  /** the yaml it came from, when it came from one (informational: layers are the truth) */
  yaml?: ModelYaml;
}

export type YamlRow = [number | number[], number, string, unknown[]];

export interface ModelYaml {
  nc: number;
  depth_multiple: number;
  width_multiple: number;
  anchors: number[][] | number;
  backbone: YamlRow[];
  head: YamlRow[];
  ch?: number;
  [key: string]: unknown;
}

export class SpecError extends Error {
  override name = 'SpecError';
}

export function makeDivisible(x: number, divisor: number): number {
  return Math.ceil(x / divisor) * divisor;
}

/** Padding that keeps the size for stride 1 (YOLOv5's autopad). */
export function autopad(k: number, p: number | null | undefined, d = 1): number {
  if (p !== null && p !== undefined) return p;
  const keff = d > 1 ? d * (k - 1) + 1 : k;
  return Math.floor(keff / 2);
}

export function conv(c1: number, c2: number, k = 1, s = 1, p: number | null = null, g = 1, d = 1, act = true): ConvSpec {
  return { c1, c2, k, s, p: autopad(k, p, d), g, d, act };
}

/**
 * Every ConvSpec of a layer with the path of its Conv module relative to the layer ('' for a
 * Conv layer itself, `conv` in Focus, `cv1`, `m.0.cv2` in C3); see convModulePath.
 */
export function convsOf(layer: LayerSpec): [string, ConvSpec][] {
  switch (layer.type) {
    case 'Conv':
      return [['', layer.conv]];
    case 'Focus':
      return [['conv', layer.conv]];
    case 'Bottleneck':
      return [['cv1', layer.block.cv1], ['cv2', layer.block.cv2]];
    case 'C3':
      return [
        ['cv1', layer.cv1],
        ['cv2', layer.cv2],
        ['cv3', layer.cv3],
        ...layer.m.flatMap((b, i): [string, ConvSpec][] => [[`m.${i}.cv1`, b.cv1], [`m.${i}.cv2`, b.cv2]]),
      ];
    case 'SPPF':
    case 'SPP':
      return [['cv1', layer.cv1], ['cv2', layer.cv2]];
    default:
      return [];
  }
}

/** Output channels of a layer given its inputs' channels. */
export function outChannels(layer: LayerSpec, inputs: number[]): number {
  switch (layer.type) {
    case 'Conv':
    case 'Focus':
      return layer.conv.c2;
    case 'Bottleneck':
      return layer.block.cv2.c2;
    case 'C3':
      return layer.cv3.c2;
    case 'SPPF':
    case 'SPP':
      return layer.cv2.c2;
    case 'Concat':
      return inputs.reduce((a, b) => a + b, 0);
    case 'Upsample':
      return inputs[0]!;
    case 'Detect':
      return layer.anchors[0]!.length / 2 * (layer.nc + 5);
  }
}

/** Absolute indices of a layer's inputs (-1 = the previous layer). */
export function inputIndices(from: number[], index: number): number[] {
  return from.map((f) => (f < 0 ? index + f : f));
}

export function detectLayer(spec: ModelSpec): Extract<LayerSpec, { type: 'Detect' }> {
  const last = spec.layers[spec.layers.length - 1];
  if (!last || last.type !== 'Detect') throw new SpecError('the last layer of a YOLOv5 model must be Detect');
  return last;
}

/** The store path of a layer's Conv module: `model.4.cv1`, or `model.3` for a Conv layer. */
export function convModulePath(layerIndex: number, relative: string): string {
  return relative ? `model.${layerIndex}.${relative}` : `model.${layerIndex}`;
}

/** The same architecture for another class count: only Detect's outputs change. */
export function withClassCount(spec: ModelSpec, nc: number): ModelSpec {
  const copy = JSON.parse(JSON.stringify(spec)) as ModelSpec;
  copy.nc = nc;
  detectLayer(copy).nc = nc;
  if (copy.yaml) copy.yaml.nc = nc;
  return copy;
}
