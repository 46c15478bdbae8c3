// The importer of official YOLOv5 checkpoints (`torch.save({'model': Model, 'ema': ..., ...})` of
// the whole pickled model). It reads the module tree as inert records and gathers the tensors under
// exactly the names model.state_dict() gives, in the same order.
import { PyObject, PyTensor, isPlainData, toJson, type Json } from './pyvalues.js';
import { materialize, readTorchArchive, toNumbers, withFile, type PtTensor } from './torch-archive.js';

/** One module of the pickled model: its class and its plain (non-tensor, non-private) attributes. */
export interface PtModule {
  class: string;
  attrs: Record<string, Json>;
}

export interface Yolov5Checkpoint {
  /** state_dict() of the model: names, dtypes and shapes as PyTorch gives them; fp16 kept as stored. */
  stateDict: Map<string, PtTensor>;
  /** The model's `yaml` dict (its architecture), as plain JSON. */
  yaml: Json;
  /** Class names, index order. */
  names: string[];
  /** Output strides of the detection levels, e.g. [8, 16, 32]. */
  stride: number[];
  /** The Detect layer's `anchors` buffer as [level][anchor][w, h], in units of each level's stride. */
  anchors: number[][][];
  nc: number;
  /** Which top-level entry the model came from: 'ema' when present and not None, else 'model'. */
  sourceKey: 'ema' | 'model';
  /** Every module by its path ('' for the root Model, 'model.0', 'model.0.conv', ...). */
  moduleTree: Map<string, PtModule>;
  /** The checkpoint's other plain top-level entries (epoch, date, ...). */
  meta: Record<string, Json>;
}

function mapOf(v: unknown, what: string): Map<unknown, unknown> {
  if (v === undefined || v === null) return new Map();
  if (!(v instanceof Map)) throw new Error(`${what} is not a dict`);
  return v;
}

/**
 * An attribute as JSON, when it is plain data; small tensors in it (e.g. Detect.stride) become
 * flat number arrays. Undefined for anything else (modules, big tensors, other records).
 */
function attrJson(v: unknown): Json | undefined {
  let dropped = false;
  const j = toJson(v, (x) => {
    if (x instanceof PyTensor && x.numel <= 64) return toNumbers(materialize(x));
    dropped = true;
    return undefined;
  });
  return dropped ? undefined : j;
}

function moduleAttrs(m: PyObject): Record<string, Json> {
  const attrs: Record<string, Json> = {};
  for (const [k, v] of m.dict() ?? []) {
    if (typeof k !== 'string' || k.startsWith('_') || k === 'training') continue;
    const j = attrJson(v);
    if (j !== undefined) Object.defineProperty(attrs, k, { value: j, enumerable: true, writable: true, configurable: true });
  }
  return attrs;
}

interface Walk {
  stateDict: Map<string, PtTensor>;
  moduleTree: Map<string, PtModule>;
  /** The modules on the current path (a pickle can make a module its own child). */
  visiting: Set<PyObject>;
}

/** Module.state_dict(): own parameters, then persistent buffers, then each child, recursively. */
function walkModule(m: PyObject, path: string, out: Walk): void {
  if (out.visiting.has(m)) throw new Error(`module '${path}' contains itself`);
  out.visiting.add(m);
  out.moduleTree.set(path, { class: m.class, attrs: moduleAttrs(m) });
  const prefix = path ? `${path}.` : '';
  const nonPersistent = m.attr('_non_persistent_buffers_set');
  const skip = nonPersistent instanceof Set ? nonPersistent : new Set();
  const add = (name: unknown, t: unknown, what: string): void => {
    if (t === null || t === undefined) return;
    if (!(t instanceof PyTensor)) throw new Error(`${what} '${prefix}${String(name)}' is not a tensor`);
    out.stateDict.set(`${prefix}${String(name)}`, materialize(t));
  };
  for (const [name, t] of mapOf(m.attr('_parameters'), `${path || 'model'}._parameters`)) add(name, t, 'parameter');
  for (const [name, t] of mapOf(m.attr('_buffers'), `${path || 'model'}._buffers`)) if (!skip.has(name)) add(name, t, 'buffer');
  for (const [name, child] of mapOf(m.attr('_modules'), `${path || 'model'}._modules`)) {
    if (child === null) continue;
    if (!(child instanceof PyObject)) throw new Error(`module '${prefix}${String(name)}' is not a module record`);
    walkModule(child, `${prefix}${String(name)}`, out);
  }
  out.visiting.delete(m);
}

function pickModel(root: unknown): { model: PyObject; sourceKey: 'ema' | 'model' } {
  if (!(root instanceof Map)) {
    const what = root instanceof PyObject ? `a bare ${root.class}` : 'no dict';
    throw new Error(`not a YOLOv5 checkpoint: it holds ${what}, not a dict with 'model' or 'ema'`);
  }
  const ema = root.get('ema');
  if (ema instanceof PyObject) return { model: ema, sourceKey: 'ema' };
  const model = root.get('model');
  if (model instanceof PyObject) return { model, sourceKey: 'model' };
  const keys = [...root.keys()].map(String).slice(0, 10).join(', ');
  throw new Error(`not a YOLOv5 checkpoint: no 'model' or 'ema' module in it (its keys: ${keys || 'none'})`);
}

function findDetect(tree: Map<string, PtModule>): string | undefined {
  let found: string | undefined;
  for (const [path, m] of tree) if (/\.(Detect|Segment)$/.test(m.class) && /^model\.\d+$/.test(path)) found = path;
  return found;
}

function namesOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (v instanceof Map) return [...v.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([, n]) => String(n));
  return [];
}

function numbersOf(v: unknown): number[] | undefined {
  if (v instanceof PyTensor) return toNumbers(materialize(v));
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  return undefined;
}

function anchorsOf(t: PtTensor | undefined): number[][][] {
  if (!t || t.shape.length !== 3) return [];
  const [nl, na] = t.shape as [number, number, number];
  const v = toNumbers(t);
  return Array.from({ length: nl }, (_, l) => Array.from({ length: na }, (_, a) => [v[(l * na + a) * 2]!, v[(l * na + a) * 2 + 1]!]));
}

function metaOf(root: Map<unknown, unknown>): Record<string, Json> {
  const meta: Record<string, Json> = {};
  for (const [k, v] of root) {
    if (typeof k === 'string' && k !== 'model' && k !== 'ema' && isPlainData(v)) {
      Object.defineProperty(meta, k, { value: toJson(v)!, enumerable: true, writable: true, configurable: true });
    }
  }
  return meta;
}

/** Reads the opened checkpoint's model into a Yolov5Checkpoint. */
function readCheckpoint(root: unknown): Yolov5Checkpoint {
  const { model, sourceKey } = pickModel(root);
  const out: Walk = { stateDict: new Map(), moduleTree: new Map(), visiting: new Set() };
  walkModule(model, '', out);
  if (out.stateDict.size === 0) throw new Error(`not a YOLOv5 checkpoint: its '${sourceKey}' has no tensors`);
  const detectPath = findDetect(out.moduleTree);
  const detect = detectPath ? out.moduleTree.get(detectPath)!.attrs : {};
  const yaml = toJson(model.attr('yaml')) ?? null;
  const yamlNc = yaml && typeof yaml === 'object' && !Array.isArray(yaml) ? yaml.nc : undefined;
  const nc = [model.attr('nc'), detect.nc, yamlNc].find((x) => typeof x === 'number') as number | undefined;
  return {
    stateDict: out.stateDict,
    yaml,
    names: namesOf(model.attr('names')),
    stride: numbersOf(model.attr('stride')) ?? numbersOf(detect.stride) ?? [],
    anchors: anchorsOf(detectPath ? out.stateDict.get(`${detectPath}.anchors`) : undefined),
    nc: nc ?? 0,
    sourceKey,
    moduleTree: out.moduleTree,
    meta: metaOf(root as Map<unknown, unknown>),
  };
}

/**
 * Imports an official YOLOv5 `.pt` checkpoint without running any of its code. A truncated,
 * corrupt or unsafe file, or one that is not a YOLOv5 checkpoint, gives a one-line PtImportError
 * naming the file.
 */
export function loadYolov5Pt(file: string): Yolov5Checkpoint {
  const { root } = readTorchArchive(file);
  return withFile(file, () => readCheckpoint(root));
}
