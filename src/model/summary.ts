// Model summary as YOLOv5 prints it: the layer table (from, n, params, module, arguments) and the
// line with layers, parameters, gradients and GFLOPs at 640 (counted the way YOLOv5's thop profile does).
import type { Yolov5Model } from './build.js';
import { autopad, inputIndices, outChannels, type ConvSpec, type LayerSpec, type ModelSpec } from './spec.js';

const MODULE_PATHS: Record<LayerSpec['type'], string> = {
  Conv: 'models.common.Conv', Focus: 'models.common.Focus', Bottleneck: 'models.common.Bottleneck', C3: 'models.common.C3',
  SPPF: 'models.common.SPPF', SPP: 'models.common.SPP', Concat: 'models.common.Concat',
  Upsample: 'torch.nn.modules.upsampling.Upsample', Detect: 'models.yolo.Detect',
};

export interface LayerRow {
  index: number;
  from: number | number[];
  n: number;
  params: number;
  module: string;
  args: string;
}

function convArgs(c: ConvSpec, c1: number): unknown[] {
  const a: unknown[] = [c1, c.c2, c.k];
  if (c.s !== 1 || c.p !== autopad(c.k, null, c.d)) a.push(c.s);
  if (c.p !== autopad(c.k, null, c.d)) a.push(c.p);
  return a;
}

function pyRepr(v: unknown): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return String(v);
}

function layerArgs(l: LayerSpec, inputs: number[]): unknown[] {
  switch (l.type) {
    case 'Conv': return convArgs(l.conv, inputs[0]!);
    case 'Focus': return convArgs(l.conv, inputs[0]!);
    case 'Bottleneck': return l.block.add ? [inputs[0], l.block.cv2.c2] : [inputs[0], l.block.cv2.c2, false];
    case 'C3': return l.m.length && !l.m[0]!.add ? [inputs[0], l.cv3.c2, l.m.length, false] : [inputs[0], l.cv3.c2, l.m.length];
    case 'SPPF': return [inputs[0], l.cv2.c2, l.k];
    case 'SPP': return [inputs[0], l.cv2.c2, l.k];
    case 'Concat': return [l.dim];
    case 'Upsample': return [null, l.scale, 'nearest'];
    case 'Detect': return [l.nc, l.anchors, l.ch];
  }
}

/** Each layer's input channels. */
function inputChannels(spec: ModelSpec): number[][] {
  const outs: number[] = [];
  return spec.layers.map((l, i) => {
    const ins = inputIndices(l.from, i).map((j) => (j < 0 ? spec.inputChannels : outs[j]!));
    outs.push(outChannels(l, ins));
    return ins;
  });
}

export function layerTable(model: Yolov5Model): LayerRow[] {
  const inputs = inputChannels(model.spec);
  const counts = model.spec.layers.map(() => 0);
  for (const [name, t] of model.store.params) counts[Number(name.split('.')[1])]! += t.numel;
  return model.spec.layers.map((l, i) => ({
    index: i,
    from: l.from.length === 1 && l.type !== 'Concat' && l.type !== 'Detect' ? l.from[0]! : l.from,
    n: l.type === 'C3' ? l.m.length : 1,
    params: counts[i]!,
    module: MODULE_PATHS[l.type],
    args: pyRepr(layerArgs(l, inputs[i]!)),
  }));
}

/** Modules as torch's model.modules() counts them for YOLOv5 (the shared SiLU once). */
export function moduleCount(spec: ModelSpec): number {
  let n = 3; // DetectionModel, its Sequential, the shared SiLU
  for (const l of spec.layers) {
    switch (l.type) {
      case 'Conv': n += 3; break;
      case 'Focus': n += 4; break;
      case 'Bottleneck': n += 7; break;
      case 'C3': n += 1 + 9 + 1 + 7 * l.m.length; break;
      case 'SPPF': n += 8; break;
      case 'SPP': n += 7 + 1 + l.k.length; break;
      case 'Detect': n += 2 + l.ch.length; break;
      default: n += 1;
    }
  }
  return n;
}

function convOut(size: number, c: ConvSpec): number {
  return Math.floor((size + 2 * c.p - c.d * (c.k - 1) - 1) / c.s) + 1;
}

/** thop's op count of one conv (+ its BN) at a square input size; returns [ops, output size]. */
function convOps(c: ConvSpec, size: number, bias: boolean, bn: boolean): [number, number] {
  const out = convOut(size, c);
  const numel = c.c2 * out * out;
  let ops = numel * ((c.c1 / c.g) * c.k * c.k + (bias ? 1 : 0));
  if (bn) ops += numel; // YOLOv5's reported figures count a BN like a bias: one op per output
  return [ops, out];
}

/** GFLOPs at img x img as YOLOv5 reports them: thop at stride 32, times 2, scaled to the image. */
export function gflops(spec: ModelSpec, img = 640, fused = false): number {
  const base = 32;
  const sizes: number[] = [];
  const channels = inputChannels(spec);
  let ops = 0;
  spec.layers.forEach((l, i) => {
    const ins = inputIndices(l.from, i).map((j) => (j < 0 ? base : sizes[j]!));
    let s = ins[0]!;
    const conv = (c: ConvSpec, at: number) => {
      const [o, out] = convOps(c, at, fused, !fused);
      ops += o;
      return out;
    };
    switch (l.type) {
      case 'Conv': s = conv(l.conv, s); break;
      case 'Focus': s = conv(l.conv, Math.floor(s / 2)); break;
      case 'Bottleneck': conv(l.block.cv1, s); s = conv(l.block.cv2, s); break;
      case 'C3': conv(l.cv1, s); conv(l.cv2, s); for (const b of l.m) { conv(b.cv1, s); conv(b.cv2, s); } s = conv(l.cv3, s); break;
      case 'SPPF':
      case 'SPP': conv(l.cv1, s); s = conv(l.cv2, s); break;
      case 'Upsample': s = s * l.scale; ops += channels[i]![0]! * s * s; break;
      case 'Detect':
        l.ch.forEach((c, k) => { ops += (l.anchors[0]!.length / 2) * (l.nc + 5) * ins[k]! * ins[k]! * (c + 1); });
        break;
      default: break;
    }
    sizes.push(s);
  });
  return (ops / 1e9) * 2 * (img / base) * (img / base);
}

export function summaryLine(model: Yolov5Model, name = 'YOLOv5'): string {
  const params = model.store.numParameters();
  const layers = moduleCount(model.spec);
  return `${name} summary: ${layers} layers, ${params} parameters, ${params} gradients, ${gflops(model.spec).toFixed(1)} GFLOPs`;
}

export function formatTable(rows: LayerRow[]): string {
  const head = `${''.padStart(3)}${'from'.padStart(18)}${'n'.padStart(3)}${'params'.padStart(10)}  ${'module'.padEnd(40)}${'arguments'.padEnd(30)}`;
  const lines = rows.map((r) =>
    `${String(r.index).padStart(3)}${pyRepr(r.from).padStart(18)}${String(r.n).padStart(3)}${String(r.params).padStart(10)}  ${r.module.padEnd(40)}${r.args.padEnd(30)}`);
  return [head, ...lines].join('\n');
}
