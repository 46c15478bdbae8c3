// YOLOv5 model yaml -> ModelSpec, as YOLOv5's parse_model resolves it: repeats scaled by
// depth_multiple, channels by width_multiple (rounded up to a multiple of 8), C3 repeats moved inside.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../paths.js';
import { conv, makeDivisible, outChannels, inputIndices, SpecError, type LayerSpec, type ModelSpec, type ModelYaml, type YamlRow } from './spec.js';

const MODULE_NAMES: Record<string, LayerSpec['type']> = {
  Conv: 'Conv', Focus: 'Focus', Bottleneck: 'Bottleneck', C3: 'C3', SPPF: 'SPPF', SPP: 'SPP', Concat: 'Concat',
  Upsample: 'Upsample', Detect: 'Detect',
};

export function moduleType(name: string, index: number): LayerSpec['type'] {
  const short = name.replace(/^(torch\.)?nn\./, '').replace(/^models\.(common|yolo)\./, '');
  const t = MODULE_NAMES[short];
  if (!t) throw new SpecError(`layer ${index}: unknown module '${name}' (supported: ${Object.keys(MODULE_NAMES).join(', ')})`);
  return t;
}

/** A path to a model yaml: an existing file, or a bare name of a shipped config (yolov5s.yaml, yolov5s). */
export function resolveModelYaml(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return nameOrPath;
  const base = path.basename(nameOrPath).replace(/\.ya?ml$/, '');
  const shipped = path.join(packageRoot, 'configs', 'models', `${base}.yaml`);
  if (existsSync(shipped)) return shipped;
  throw new SpecError(`model yaml not found: ${nameOrPath} (give a file, or one of yolov5n/s/m/l/x.yaml)`);
}

export function loadModelYaml(nameOrPath: string): ModelYaml {
  const file = resolveModelYaml(nameOrPath);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SpecError(`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return checkYaml(doc, file);
}

function checkYaml(doc: unknown, where: string): ModelYaml {
  const d = doc as Partial<ModelYaml> | null;
  if (!d || typeof d !== 'object') throw new SpecError(`${where}: not a model yaml (expected a mapping)`);
  for (const key of ['nc', 'depth_multiple', 'width_multiple', 'anchors', 'backbone', 'head'] as const) {
    if (d[key] === undefined) throw new SpecError(`${where}: missing '${key}'`);
  }
  if (!Array.isArray(d.backbone) || !Array.isArray(d.head)) throw new SpecError(`${where}: backbone and head must be lists`);
  return d as ModelYaml;
}

function resolveArg(v: unknown, y: ModelYaml, nc: number): unknown {
  if (v === 'nc') return nc;
  if (v === 'anchors') return y.anchors;
  if (v === 'None' || v === null) return null;
  if (v === 'True') return true;
  if (v === 'False') return false;
  return v;
}

function anchorsOf(a: unknown, levels: number): number[][] {
  if (typeof a === 'number') return Array.from({ length: levels }, () => Array.from({ length: a * 2 }, (_, i) => i));
  if (!Array.isArray(a)) throw new SpecError('Detect: anchors must be a list or a count');
  return a as number[][];
}

/** Resolves a model yaml; `nc` overrides the yaml's class count (as YOLOv5's --cfg with a dataset). */
export function specFromYaml(y: ModelYaml, opts: { nc?: number; inputChannels?: number } = {}): ModelSpec {
  const nc = opts.nc ?? y.nc;
  const gd = y.depth_multiple;
  const gw = y.width_multiple;
  const inputChannels = opts.inputChannels ?? y.ch ?? 3;
  const rows: YamlRow[] = [...y.backbone, ...y.head];
  const ch: number[] = [];
  const layers: LayerSpec[] = [];
  rows.forEach((row, i) => {
    const [f, n0, m, rawArgs] = row;
    const from = Array.isArray(f) ? f : [f];
    const args = (rawArgs ?? []).map((a) => resolveArg(a, y, nc));
    const n = n0 > 1 ? Math.max(Math.round(n0 * gd), 1) : n0;
    const inputs = inputIndices(from, i).map((j) => (j < 0 ? inputChannels : ch[j]!));
    const layer = makeLayer(moduleType(m, i), from, n, args, inputs, gw, i);
    layers.push(layer);
    ch.push(outChannels(layer, inputs));
  });
  return { format: 'yolotrim-model/1', nc, inputChannels, layers, yaml: { ...y, nc } };
}

function makeLayer(type: LayerSpec['type'], from: number[], n: number, args: unknown[], inputs: number[], gw: number, i: number): LayerSpec {
  const c1 = inputs[0]!;
  const width = (c: unknown) => makeDivisible((c as number) * gw, 8);
  const num = (v: unknown, dflt: number) => (v === undefined || v === null ? dflt : (v as number));
  if (n !== 1 && type !== 'C3') throw new SpecError(`layer ${i}: ${type} with number ${n} is not supported (only C3 repeats)`);
  switch (type) {
    case 'Conv':
    case 'Focus': {
      const [, k, s, p, g, d, act] = args;
      const cin = type === 'Focus' ? c1 * 4 : c1;
      return { type, from, conv: conv(cin, width(args[0]), num(k, 1), num(s, 1), (p ?? null) as number | null, num(g, 1), num(d, 1), act !== false) };
    }
    case 'Bottleneck': {
      const c2 = width(args[0]);
      const shortcut = args[1] !== false;
      const c = Math.trunc(c2 * num(args[3], 0.5));
      return { type, from, block: { cv1: conv(c1, c, 1, 1), cv2: conv(c, c2, 3, 1, null, num(args[2], 1)), add: shortcut && c1 === c2 } };
    }
    case 'C3': {
      const c2 = width(args[0]);
      const shortcut = args[1] !== false;
      const c = Math.trunc(c2 * num(args[3], 0.5));
      const m = Array.from({ length: n }, () => ({ cv1: conv(c, c, 1, 1), cv2: conv(c, c, 3, 1, null, num(args[2], 1)), add: shortcut }));
      return { type, from, cv1: conv(c1, c, 1, 1), cv2: conv(c1, c, 1, 1), cv3: conv(2 * c, c2, 1), m };
    }
    case 'SPPF': {
      const c = Math.trunc(c1 / 2);
      return { type, from, cv1: conv(c1, c, 1, 1), cv2: conv(c * 4, width(args[0]), 1, 1), k: num(args[1], 5) };
    }
    case 'SPP': {
      const k = (args[1] as number[] | undefined) ?? [5, 9, 13];
      const c = Math.trunc(c1 / 2);
      return { type, from, cv1: conv(c1, c, 1, 1), cv2: conv(c * (k.length + 1), width(args[0]), 1, 1), k };
    }
    case 'Concat':
      return { type, from, dim: num(args[0], 1) };
    case 'Upsample':
      if (args[2] !== undefined && args[2] !== 'nearest') throw new SpecError(`layer ${i}: only nearest upsampling is supported`);
      return { type, from, scale: num(args[1], 2) };
    case 'Detect':
      return { type, from, nc: args[0] as number, anchors: anchorsOf(args[1], from.length), ch: inputs };
  }
}
