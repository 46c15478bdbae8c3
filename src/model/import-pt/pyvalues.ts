// The inert values the safe unpickler builds. Python data maps to plain JS data:
//   None → null, bool → boolean, int → number (bigint beyond 2^53), float → number, str → string,
//   bytes → Uint8Array, list and tuple → Array, dict → Map (any keys, insertion order), set → Set.
// Everything else is a record that holds data and never runs anything: a PyGlobal (a name from
// the allowlist), a PyObject (an instance of an allowed class: its class name and its state), and
// for PyTorch a PyStorage (a typed chunk of bytes in the archive) and a PyTensor (a view on one).
import type { DType } from '../../torch/dtype.js';

/** A global that the allowlist let through: a class, a function it knows how to evaluate, or a constant. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly kind: 'class' | 'function' | 'constant',
    /** For functions (and classes built as plain data): evaluates a call on inert arguments. */
    readonly call?: (args: unknown[]) => unknown,
  ) {}
  get qualname(): string { return `${this.module}.${this.name}`; }
  toString(): string { return `<global ${this.qualname}>`; }
}

/** An instance of an allowed class, inert: the class name, the constructor arguments, the state. */
export class PyObject {
  /** The class's qualified name, e.g. 'models.common.Conv'. */
  readonly class: string;
  /** What BUILD gave: usually a Map (the instance __dict__), undefined when never built. */
  state: unknown = undefined;
  constructor(qualname: string, readonly args: unknown[] = []) {
    this.class = qualname;
  }
  /** An attribute from the instance __dict__ (state, or the dict part of a (dict, slots) state). */
  attr(name: string): unknown {
    const s = this.dict();
    return s ? s.get(name) : undefined;
  }
  dict(): Map<unknown, unknown> | undefined {
    const s = this.state;
    if (s instanceof Map) return s;
    if (Array.isArray(s) && s[0] instanceof Map) return s[0];
    return undefined;
  }
}

/** A storage: `numel` elements of `dtype` kept in the archive under `key`. */
export class PyStorage {
  constructor(
    readonly dtype: DType,
    readonly key: string,
    readonly location: string,
    readonly numel: number,
    /** Loads the storage's bytes (numel * element size), once; supplied by the archive reader. */
    readonly load: () => Uint8Array,
  ) {}
}

/** A tensor: a strided view (in elements) on a storage, as torch._utils._rebuild_tensor_v2 describes it. */
export class PyTensor {
  constructor(
    readonly storage: PyStorage,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
    readonly requiresGrad = false,
    readonly isParameter = false,
  ) {}
  get dtype(): DType { return this.storage.dtype; }
  get numel(): number { return this.shape.reduce((a, b) => a * b, 1); }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Plain JSON from inert data: Maps become objects (keys as strings), tuples/lists/sets arrays, big
 * ints numbers, bytes arrays of numbers. Tensors, storages, objects and globals are not data: they
 * give undefined (dropped from objects and arrays) unless `keep` maps them to something. A
 * container that holds itself (possible in a pickle) is cut where it recurs, as null.
 */
export function toJson(v: unknown, keep?: (x: unknown) => Json | undefined, path = new Set<unknown>()): Json | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Array.from(v);
  if (!(Array.isArray(v) || v instanceof Set || v instanceof Map)) return keep ? keep(v) : undefined;
  if (path.has(v)) return null;
  path.add(v);
  try {
    if (!(v instanceof Map)) {
      const out: Json[] = [];
      for (const x of v) {
        const j = toJson(x, keep, path);
        if (j !== undefined) out.push(j);
      }
      return out;
    }
    const pairs: [string, Json][] = [];
    for (const [k, x] of v) {
      const j = toJson(x, keep, path);
      if (j !== undefined) pairs.push([String(k), j]);
    }
    return Object.fromEntries(pairs) as Json;
  } finally {
    path.delete(v);
  }
}

/** True for values toJson keeps as data (no tensors, objects or globals inside, and no cycles). */
export function isPlainData(v: unknown, path = new Set<unknown>()): boolean {
  if (v === null || v === undefined || ['boolean', 'string', 'number', 'bigint'].includes(typeof v)) return true;
  if (v instanceof Uint8Array) return true;
  if (!(Array.isArray(v) || v instanceof Set || v instanceof Map)) return false;
  if (path.has(v)) return false;
  path.add(v);
  const items = v instanceof Map ? [...v.values()] : [...v];
  const plain = items.every((x) => isPlainData(x, path));
  path.delete(v);
  return plain;
}
