// Argument checks made before a native call, so a bad argument is a clear error, not a NaN.
import { TorchError } from './errors.js';

function bad(op: string, what: string): TorchError {
  return new TorchError(op, [], what);
}

export function checkScalar(op: string, v: number): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw bad(op, `expected a number, got ${String(v)}`);
  return v;
}

export function checkInt(op: string, v: number): number {
  if (!Number.isSafeInteger(v)) throw bad(op, `expected an integer, got ${String(v)}`);
  return v;
}

export function checkDim(op: string, d: number): number {
  if (!Number.isSafeInteger(d)) throw bad(op, `expected an integer dimension, got ${String(d)}`);
  return d;
}

export function checkDims(op: string, dims: number | readonly number[]): number[] {
  const list = typeof dims === 'number' ? [dims] : [...dims];
  for (const d of list) checkDim(op, d);
  return list;
}

/** Sizes: non-negative integers; allowInferred lets one -1 through (view/reshape/expand). */
export function checkShape(op: string, shape: readonly number[], allowInferred = false): number[] {
  const list = [...shape];
  for (const s of list) {
    if (!Number.isSafeInteger(s) || (s < 0 && !(allowInferred && s === -1))) {
      throw bad(op, `invalid size ${String(s)} in [${list.join(', ')}]`);
    }
  }
  return list;
}
