// A file written by torch.save (PyTorch >= 1.6): a zip holding `<prefix>/data.pkl` (the pickled
// object) and `<prefix>/data/<key>` (one entry per storage, raw little-endian elements). This
// module opens one into inert values (pyvalues.ts) and turns tensor views into typed arrays.
import { readFileSync } from 'node:fs';
import { readZip, type ZipArchive } from './zip.js';
import { unpickle } from './pickle.js';
import { storageDType } from './allowlist.js';
import { PyStorage, PyTensor } from './pyvalues.js';
import { bytesPerElement, viewAs, type AnyTypedArray, type DType } from '../../torch/dtype.js';

/** Any failure to import a checkpoint: one line, naming the file. */
export class PtImportError extends Error {
  override name = 'PtImportError';
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail.split('\n')[0]}`);
  }
}

/** A tensor's elements, row-major: float16/bfloat16 as raw Uint16Array bits, bool as Uint8Array. */
export interface PtTensor {
  dtype: DType;
  shape: number[];
  data: AnyTypedArray;
}

export interface TorchArchive {
  /** The unpickled object (inert values). */
  root: unknown;
  /** The archive's folder name (torch uses 'archive' or the file's stem). */
  prefix: string;
}

function findPrefix(zip: ZipArchive): string {
  for (const name of zip.entries.keys()) {
    const m = /^([^/]+)\/data\.pkl$/.exec(name);
    if (m) return m[1]!;
  }
  throw new Error('no data.pkl inside: a zip archive, but not a PyTorch checkpoint');
}

function storageLoader(zip: ZipArchive, prefix: string): (pid: unknown) => PyStorage {
  const storages = new Map<string, PyStorage>();
  return (pid) => {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new Error('unknown kind of persistent id (not a torch storage)');
    const [, type, key, location, numel] = pid as [string, unknown, unknown, unknown, unknown];
    const dtype = storageDType(type);
    if (!dtype) throw new Error(`unsupported storage type ${String(type)}`);
    if (typeof key !== 'string' || !Number.isSafeInteger(numel) || (numel as number) < 0) throw new Error('bad storage record');
    const seen = storages.get(key);
    if (seen) return seen;
    let bytes: Uint8Array | undefined;
    const load = (): Uint8Array => {
      if (bytes) return bytes;
      const entry = `${prefix}/data/${key}`;
      if (!zip.has(entry)) throw new Error(`storage '${key}' is missing from the archive`);
      const b = zip.read(entry);
      const need = (numel as number) * bytesPerElement(dtype);
      if (b.length < need) throw new Error(`storage '${key}' has ${b.length} bytes, ${need} expected`);
      bytes = b;
      return b;
    };
    const s = new PyStorage(dtype, key, String(location), numel as number, load);
    storages.set(key, s);
    return s;
  };
}

/** Opens torch.save bytes. Throws plain Errors (ZipError, PickleError, ...) without the file name. */
export function openTorchArchive(buf: Uint8Array): TorchArchive {
  const zip = readZip(buf);
  const prefix = findPrefix(zip);
  const order = `${prefix}/byteorder`;
  if (zip.has(order) && new TextDecoder().decode(zip.read(order)).trim() !== 'little') {
    throw new Error('the checkpoint was saved on a big-endian machine, which is not supported');
  }
  const root = unpickle(zip.read(`${prefix}/data.pkl`), { persistentLoad: storageLoader(zip, prefix) });
  return { root, prefix };
}

/** Reads and opens a torch.save file; every error becomes a one-line PtImportError naming the file. */
export function readTorchArchive(file: string): TorchArchive {
  let buf: Uint8Array;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new PtImportError(file, `cannot read: ${(e as Error).message}`);
  }
  return withFile(file, () => openTorchArchive(buf));
}

/** Runs fn, turning any error into a PtImportError naming the file. */
export function withFile<R>(file: string, fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PtImportError) throw e;
    throw new PtImportError(file, e instanceof Error ? e.message : String(e));
  }
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/** Copies a strided view element by element (the innermost dimension in a tight loop). */
function gather(src: Uint8Array, t: PyTensor, es: number): Uint8Array {
  const { shape, stride } = t;
  const out = new Uint8Array(t.numel * es);
  const nd = shape.length;
  const inner = nd ? shape[nd - 1]! : 1;
  const innerStride = nd ? stride[nd - 1]! : 0;
  const index = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  for (let o = 0; o < out.length;) {
    let base = t.offset;
    for (let d = 0; d < nd - 1; d++) base += index[d]! * stride[d]!;
    for (let i = 0; i < inner; i++, o += es) {
      const s = (base + i * innerStride) * es;
      out.set(src.subarray(s, s + es), o);
    }
    for (let d = nd - 2; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

/** A tensor view's elements as a fresh typed array (honours storage offset and strides). */
export function materialize(t: PyTensor): PtTensor {
  const es = bytesPerElement(t.dtype);
  const src = t.storage.load();
  let bytes: Uint8Array;
  if (t.numel === 0) bytes = new Uint8Array(0);
  else if (isContiguous(t.shape, t.stride)) bytes = new Uint8Array(src.subarray(t.offset * es, (t.offset + t.numel) * es));
  else bytes = gather(src, t, es);
  return { dtype: t.dtype, shape: [...t.shape], data: viewAs(t.dtype, bytes.buffer as ArrayBuffer) };
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A tensor's elements as plain numbers (exact for every dtype; int64 beyond 2^53 rounds). */
export function toNumbers(t: PtTensor): number[] {
  const d = t.data;
  if (t.dtype === 'float16') return Array.from(d as Uint16Array, halfToNumber);
  if (t.dtype === 'bfloat16') {
    const f = new Float32Array(new Uint32Array(Array.from(d as Uint16Array, (b) => b << 16)).buffer);
    return Array.from(f);
  }
  if (d instanceof BigInt64Array) return Array.from(d, Number);
  return Array.from(d as ArrayLike<number>);
}
