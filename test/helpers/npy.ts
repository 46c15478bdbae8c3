// Reads NumPy .npy files (little-endian float32/float64/int64, C order) for golden comparisons.
import { readFileSync } from 'node:fs';

export interface Npy {
  shape: number[];
  data: Float32Array | Float64Array | BigInt64Array;
}

export function readNpy(file: string): Npy {
  const buf = readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order not supported`);
  const bytes = buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length);
  if (descr === '<f4') return { shape, data: new Float32Array(bytes) };
  if (descr === '<f8') return { shape, data: new Float64Array(bytes) };
  if (descr === '<i8') return { shape, data: new BigInt64Array(bytes) };
  throw new Error(`${file}: dtype ${descr} not supported`);
}

/** numpy.allclose: |a - b| <= atol + rtol * |b|; returns the worst violation for messages. */
export function allclose(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): { ok: boolean; maxAbs: number; worst: number } {
  if (a.length !== b.length) return { ok: false, maxAbs: Infinity, worst: -1 };
  let maxAbs = 0;
  let worst = -1;
  let ok = true;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > maxAbs) maxAbs = d;
    if (!(d <= atol + rtol * Math.abs(b[i]!))) {
      if (ok) worst = i;
      ok = false;
    }
  }
  return { ok, maxAbs, worst };
}
