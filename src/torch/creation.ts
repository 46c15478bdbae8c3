// Creating tensors: constants, ranges, random (seedable), and from JS arrays / typed arrays.
import { native as N } from './native.js';
import { Tensor, wrap, checkOk } from './tensor.js';
import { checkDevice, dtypeCode, dtypeOfArray, isFloating, type AnyTypedArray, type DType, type Device } from './dtype.js';
import { checkInt, checkScalar, checkShape } from './check.js';
import { TorchError } from './errors.js';

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
}

function opts(o: CreateOptions | undefined, fallback: DType = 'float32'): [number, string] {
  return [dtypeCode(o?.dtype ?? fallback), checkDevice(o?.device ?? 'cpu')];
}

export function zeros(shape: readonly number[], o?: CreateOptions): Tensor { return wrap('zeros', N.zeros(checkShape('zeros', shape), ...opts(o))); }
export function ones(shape: readonly number[], o?: CreateOptions): Tensor { return wrap('ones', N.ones(checkShape('ones', shape), ...opts(o))); }
export function empty(shape: readonly number[], o?: CreateOptions): Tensor { return wrap('empty', N.empty(checkShape('empty', shape), ...opts(o))); }
export function full(shape: readonly number[], value: number, o?: CreateOptions): Tensor {
  return wrap('full', N.full(checkShape('full', shape), checkScalar('full', value), ...opts(o)));
}
export function eye(n: number, o?: CreateOptions): Tensor { return wrap('eye', N.eye(checkInt('eye', n), ...opts(o))); }
export function zerosLike(t: Tensor): Tensor { return wrap('zerosLike', N.zerosLike(t.handle), [t]); }
export function onesLike(t: Tensor): Tensor { return wrap('onesLike', N.onesLike(t.handle), [t]); }
export function fullLike(t: Tensor, value: number): Tensor { return wrap('fullLike', N.fullLike(t.handle, checkScalar('fullLike', value)), [t]); }

/** Values start, start+step, ... below end (Python's range); int64 when all arguments are integers. */
export function arange(start: number, end?: number, step = 1, o?: CreateOptions): Tensor {
  if (end === undefined) [start, end] = [0, start];
  const ints = [start, end, step].every(Number.isInteger);
  return wrap('arange', N.arange(checkScalar('arange', start), checkScalar('arange', end), checkScalar('arange', step), ...opts(o, ints ? 'int64' : 'float32')));
}
export function linspace(start: number, end: number, steps: number, o?: CreateOptions): Tensor {
  return wrap('linspace', N.linspace(checkScalar('linspace', start), checkScalar('linspace', end), checkInt('linspace', steps), ...opts(o)));
}

/** A seeded random-number generator for the random creators (the default one is global). */
export class Generator {
  readonly id: number;
  constructor(seed: number) {
    this.id = N.generatorNew(checkInt('Generator', seed)) as number;
  }
  dispose(): void { N.generatorFree(this.id); }
}

export function manualSeed(seed: number): void { checkOk('manualSeed', N.manualSeed(checkInt('manualSeed', seed))); }

export function rand(shape: readonly number[], o?: CreateOptions & { generator?: Generator }): Tensor {
  return wrap('rand', N.rand(checkShape('rand', shape), ...opts(o), o?.generator?.id ?? -1));
}
export function randn(shape: readonly number[], o?: CreateOptions & { generator?: Generator }): Tensor {
  return wrap('randn', N.randn(checkShape('randn', shape), ...opts(o), o?.generator?.id ?? -1));
}
/** Integers in [low, high). */
export function randint(low: number, high: number, shape: readonly number[], o?: CreateOptions & { generator?: Generator }): Tensor {
  return wrap('randint', N.randint(checkInt('randint', low), checkInt('randint', high), checkShape('randint', shape), ...opts(o, 'int64'), o?.generator?.id ?? -1));
}
export function randperm(n: number, o?: CreateOptions & { generator?: Generator }): Tensor {
  return wrap('randperm', N.randperm(checkInt('randperm', n), ...opts(o, 'int64'), o?.generator?.id ?? -1));
}

type Nested = number | boolean | readonly Nested[];

function flattenNested(data: Nested, shape: number[], out: number[], depth = 0): void {
  if (Array.isArray(data)) {
    if (shape.length === depth) shape.push(data.length);
    else if (shape[depth] !== data.length) throw new TorchError('tensor', [], `ragged nested array at depth ${depth}`);
    for (const d of data) flattenNested(d as Nested, shape, out, depth + 1);
  } else {
    if (depth !== shape.length) throw new TorchError('tensor', [], 'ragged nested array');
    out.push(typeof data === 'boolean' ? Number(data) : (data as number));
  }
}

/**
 * A tensor from JS data (copied). Typed arrays keep their type unless `dtype` says otherwise;
 * nested number arrays give their own shape; `shape` reshapes flat data.
 */
export function tensor(data: Nested | AnyTypedArray, o: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  let flat: AnyTypedArray;
  let shape: number[];
  if (ArrayBuffer.isView(data)) {
    flat = data as AnyTypedArray;
    shape = o.shape ? [...o.shape] : [flat.length];
  } else {
    const values: number[] = [];
    shape = [];
    flattenNested(data as Nested, shape, values);
    flat = Float64Array.from(values);
    if (o.shape) shape = [...o.shape];
  }
  const target = o.dtype ?? (ArrayBuffer.isView(data) ? dtypeOfArray(flat) : 'float32');
  // A Uint16Array holds raw float16/bfloat16 bits; any other typed array holds values to convert.
  const rawHalf = data instanceof Uint16Array && (o.dtype === 'float16' || o.dtype === 'bfloat16');
  const source = ArrayBuffer.isView(data) ? (rawHalf ? target : dtypeOfArray(flat)) : 'float64';
  if (source === 'float64' && !ArrayBuffer.isView(data) && !isFloating(target)) {
    const bad = (flat as Float64Array).find((v) => !Number.isInteger(v));
    if (bad !== undefined) throw new TorchError('tensor', [], `value ${bad} is not an integer, but dtype is ${target}`);
  }
  const raw = wrap('tensor', N.fromBuffer(flat, checkShape('tensor', shape), dtypeCode(source), 'cpu'));
  let out = raw;
  if (source !== target) {
    out = raw.to(target);
    raw.dispose();
  }
  const device = checkDevice(o.device ?? 'cpu');
  if (device !== 'cpu') {
    const moved = out.to(device);
    out.dispose();
    out = moved;
  }
  return out;
}

/** The same as tensor() for a scalar. */
export function scalar(v: number, o?: CreateOptions): Tensor {
  return full([], v, o);
}
