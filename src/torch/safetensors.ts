// The safetensors format (as written and read by Python's `safetensors` package):
// an 8-byte little-endian header length N, N bytes of JSON header, then the raw tensor bytes.
// The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]} (relative to the
// end of the header) and may carry `__metadata__`, a string→string map. Offsets must tile the data
// region exactly, without gaps or overlaps, as the Python reader requires.
//
// Two levels: parse/serialize work on bytes and know nothing of libtorch; load/save convert to and
// from Tensors (copies; nothing stays shared with the file's memory).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Tensor } from './tensor.js';
import { tensor } from './creation.js';
import { bytesPerElement, viewAs, type DType } from './dtype.js';

export type SafeDType = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'U8' | 'BOOL';

const TO_TORCH: Record<SafeDType, DType> = {
  F32: 'float32', F16: 'float16', BF16: 'bfloat16', F64: 'float64', I64: 'int64', I32: 'int32', U8: 'uint8', BOOL: 'bool',
};
const FROM_TORCH = Object.fromEntries(Object.entries(TO_TORCH).map(([k, v]) => [v, k])) as Record<DType, SafeDType>;

/** One tensor as stored: its dtype, shape and little-endian bytes (row-major). */
export interface RawEntry {
  dtype: SafeDType;
  shape: number[];
  bytes: Uint8Array;
}

export interface RawSafetensors {
  metadata: Record<string, string>;
  entries: Map<string, RawEntry>;
}

/** A problem with a safetensors file or buffer; the message names the source. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
  constructor(readonly source: string, detail: string) {
    super(`${source}: ${detail}`);
  }
}

/** Python's reader refuses headers above 100 MB; so do we (and so a corrupt length fails early). */
const MAX_HEADER = 100_000_000;

export function safeDTypeOf(d: DType): SafeDType { return FROM_TORCH[d]; }
export function torchDTypeOf(d: SafeDType): DType { return TO_TORCH[d]; }

function isSafeDType(d: unknown): d is SafeDType {
  return typeof d === 'string' && Object.hasOwn(TO_TORCH, d);
}

function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function readHeader(buf: Uint8Array, source: string): { json: Record<string, unknown>; dataStart: number } {
  if (buf.byteLength < 8) throw new SafetensorsError(source, `truncated: ${buf.byteLength} bytes, too short for the 8-byte header length`);
  const n = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) throw new SafetensorsError(source, `bad header length ${n} (over ${MAX_HEADER} bytes): not a safetensors file or corrupt`);
  const len = Number(n);
  if (8 + len > buf.byteLength) {
    throw new SafetensorsError(source, `truncated: header length ${len} runs past the end of the file (${buf.byteLength} bytes)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + len));
  } catch {
    throw new SafetensorsError(source, 'bad header: not valid UTF-8 (not a safetensors file or corrupt)');
  }
  if (!text.startsWith('{')) throw new SafetensorsError(source, `bad header: it does not start with '{' (not a safetensors file?)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(source, `bad header JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new SafetensorsError(source, 'bad header JSON: not an object');
  return { json: json as Record<string, unknown>, dataStart: 8 + len };
}

function readMetadata(value: unknown, source: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new SafetensorsError(source, '__metadata__ must be an object of strings');
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new SafetensorsError(source, `__metadata__['${k}'] is not a string`);
  }
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

interface HeaderInfo {
  name: string;
  dtype: SafeDType;
  shape: number[];
  begin: number;
  end: number;
}

function readInfo(name: string, v: unknown, source: string): HeaderInfo {
  const info = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (info === null || typeof info !== 'object') throw new SafetensorsError(source, `tensor '${name}': header entry is not an object`);
  if (!isSafeDType(info.dtype)) {
    throw new SafetensorsError(source, `tensor '${name}': unknown dtype ${JSON.stringify(info.dtype)} (supported: ${Object.keys(TO_TORCH).join(', ')})`);
  }
  const shape = info.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(source, `tensor '${name}': bad shape ${JSON.stringify(shape)}`);
  }
  const off = info.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0) || off[0] > off[1]) {
    throw new SafetensorsError(source, `tensor '${name}': bad data_offsets ${JSON.stringify(off)}`);
  }
  const expected = numelOf(shape) * bytesPerElement(TO_TORCH[info.dtype]);
  if (off[1] - off[0] !== expected) {
    throw new SafetensorsError(source, `tensor '${name}': data_offsets ${JSON.stringify(off)} hold ${off[1] - off[0]} bytes, but ${info.dtype} ${JSON.stringify(shape)} needs ${expected}`);
  }
  return { name, dtype: info.dtype, shape: shape as number[], begin: off[0] as number, end: off[1] as number };
}

/** Offsets must tile [0, dataLength) exactly, as Python's reader checks. */
function checkTiling(infos: HeaderInfo[], dataLength: number, source: string): void {
  const sorted = [...infos].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const i of sorted) {
    if (i.end > dataLength) {
      throw new SafetensorsError(source, `tensor '${i.name}': data_offsets [${i.begin}, ${i.end}] are out of range (data is ${dataLength} bytes; file truncated?)`);
    }
    if (i.begin !== at) throw new SafetensorsError(source, `tensor '${i.name}': data_offsets [${i.begin}, ${i.end}] leave a gap or overlap at byte ${at}`);
    at = i.end;
  }
  if (at !== dataLength) throw new SafetensorsError(source, `${dataLength - at} bytes after the last tensor are not described by the header`);
}

/**
 * Parses safetensors bytes. Each entry's bytes are a fresh copy (its own ArrayBuffer, so it can be
 * viewed as a typed array). `source` names the file in errors.
 */
export function parseSafetensors(buf: Uint8Array, source = '<buffer>'): RawSafetensors {
  const { json, dataStart } = readHeader(buf, source);
  const metadata = readMetadata(json.__metadata__, source);
  const infos = Object.entries(json).filter(([k]) => k !== '__metadata__').map(([k, v]) => readInfo(k, v, source));
  checkTiling(infos, buf.byteLength - dataStart, source);
  const entries = new Map<string, RawEntry>();
  for (const i of infos) {
    entries.set(i.name, { dtype: i.dtype, shape: i.shape, bytes: new Uint8Array(buf.subarray(dataStart + i.begin, dataStart + i.end)) });
  }
  return { metadata, entries };
}

function checkEntry(name: string, e: RawEntry): void {
  if (!isSafeDType(e.dtype)) throw new SafetensorsError('serialize', `tensor '${name}': unknown dtype ${JSON.stringify(e.dtype)}`);
  if (!e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new SafetensorsError('serialize', `tensor '${name}': bad shape [${e.shape.join(', ')}]`);
  const need = numelOf(e.shape) * bytesPerElement(TO_TORCH[e.dtype]);
  if (e.bytes.byteLength !== need) {
    throw new SafetensorsError('serialize', `tensor '${name}': ${e.bytes.byteLength} bytes given, ${e.dtype} [${e.shape.join(', ')}] needs ${need}`);
  }
}

/**
 * Serializes entries (in their iteration order) into safetensors bytes. The header is padded with
 * spaces to a multiple of 8 bytes, as Python's writer does.
 */
export function serializeSafetensors(
  entries: ReadonlyMap<string, RawEntry> | Readonly<Record<string, RawEntry>>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const list = entries instanceof Map ? [...entries] : Object.entries(entries);
  const header = Object.create(null) as Record<string, unknown>; // a tensor may be named '__proto__'
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError('serialize', `metadata '${k}' is not a string`);
    }
    header.__metadata__ = { ...metadata };
  }
  let at = 0;
  for (const [name, e] of list) {
    if (name === '__metadata__') throw new SafetensorsError('serialize', "'__metadata__' cannot be a tensor name");
    checkEntry(name, e);
    header[name] = { dtype: e.dtype, shape: e.shape, data_offsets: [at, at + e.bytes.byteLength] };
    at += e.bytes.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.byteLength + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let pos = 8 + json.byteLength;
  for (const [, e] of list) {
    out.set(e.bytes, pos);
    pos += e.bytes.byteLength;
  }
  return out;
}

/** A Tensor from a raw entry (copied). */
export function entryToTensor(e: RawEntry): Tensor {
  const dtype = TO_TORCH[e.dtype];
  const whole = e.bytes.byteOffset === 0 && e.bytes.byteLength === e.bytes.buffer.byteLength && e.bytes.buffer instanceof ArrayBuffer;
  const data = viewAs(dtype, (whole ? e.bytes : new Uint8Array(e.bytes)).buffer as ArrayBuffer);
  return tensor(data, { shape: e.shape, dtype });
}

/** A raw entry from a Tensor (its elements copied to CPU, row-major). */
export function tensorToEntry(t: Tensor): RawEntry {
  const d = t.data();
  return { dtype: FROM_TORCH[t.dtype], shape: t.shape, bytes: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}

function readFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new SafetensorsError(file, `cannot read: ${(e as Error).message}`);
  }
}

/** Reads a safetensors file into CPU Tensors (the caller owns them: dispose, or use a scope). */
export function loadSafetensors(file: string): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const raw = parseSafetensors(readFile(file), file);
  const tensors = new Map<string, Tensor>();
  try {
    for (const [name, e] of raw.entries) tensors.set(name, entryToTensor(e));
  } catch (e) {
    for (const t of tensors.values()) t.dispose();
    throw e;
  }
  return { tensors, metadata: raw.metadata };
}

/**
 * Writes tensors to a safetensors file atomically: a temporary file in the same folder, flushed,
 * then renamed over `file`, so readers never see a half-written file.
 */
export function saveSafetensors(
  file: string,
  tensors: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
): void {
  const list = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const entries = new Map<string, RawEntry>(list.map(([k, t]) => [k, tensorToEntry(t)]));
  writeFileAtomic(file, serializeSafetensors(entries, metadata));
}

/** Writes bytes to `file` through a temporary sibling file and a rename. */
export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    let at = 0;
    while (at < bytes.byteLength) at += writeSync(fd, bytes, at, bytes.byteLength - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new SafetensorsError(file, `cannot write: ${(e as Error).message}`);
  }
}
