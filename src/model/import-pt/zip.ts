// A reader of the zip container torch.save writes (PyTorch >= 1.6): entries are usually stored
// (uncompressed) and 64-byte aligned; deflated entries are inflated with node:zlib; zip64 records
// are followed for archives or entries over 4 GiB. Read-only, whole archive in memory.
import { inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE, as zip uses) of some bytes. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function describeNonZip(buf: Uint8Array): string {
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 3 && buf[3] === 4) {
    return 'truncated zip archive: its end-of-central-directory record is missing';
  }
  if (buf.length >= 2 && buf[0] === 0x80 && buf[1]! <= 5) {
    return 'a legacy (non-zip) torch.save file, which is not supported: re-save it with torch >= 1.6';
  }
  return buf.length === 0 ? 'empty file, not a zip archive' : 'not a zip archive (no end-of-central-directory record)';
}

/** The zip's entries by name, and a way to read each one's bytes. */
export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  readonly #buf: Uint8Array;
  readonly #view: DataView;

  constructor(buf: Uint8Array) {
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const { count, offset, size } = this.#findDirectory();
    this.#readDirectory(count, offset, size);
  }

  #u16(at: number): number { return this.#view.getUint16(at, true); }
  #u32(at: number): number { return this.#view.getUint32(at, true); }
  #u64(at: number): number {
    const v = this.#view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError(`zip64 value ${v} is too large`);
    return Number(v);
  }

  #findDirectory(): { count: number; offset: number; size: number } {
    const buf = this.#buf;
    const lowest = Math.max(0, buf.length - 22 - U16_MAX);
    let end = -1;
    for (let i = buf.length - 22; i >= lowest; i--) {
      if (this.#u32(i) === SIG_END && i + 22 + this.#u16(i + 20) <= buf.length) { end = i; break; }
    }
    if (end < 0) throw new ZipError(describeNonZip(buf));
    let count = this.#u16(end + 10);
    let size = this.#u32(end + 12);
    let offset = this.#u32(end + 16);
    if (count === U16_MAX || size === U32_MAX || offset === U32_MAX) {
      const loc = end - 20;
      if (loc < 0 || this.#u32(loc) !== SIG_LOCATOR64) throw new ZipError('zip64 locator missing: corrupt archive');
      const rec = this.#u64(loc + 8);
      if (rec + 56 > buf.length || this.#u32(rec) !== SIG_END64) throw new ZipError('zip64 end record missing: corrupt archive');
      count = this.#u64(rec + 32);
      size = this.#u64(rec + 40);
      offset = this.#u64(rec + 48);
    }
    if (offset + size > buf.length) throw new ZipError(`truncated or corrupt zip: the central directory (${offset}+${size}) lies past the end (${buf.length} bytes)`);
    return { count, offset, size };
  }

  #readDirectory(count: number, offset: number, size: number): void {
    let at = offset;
    const end = offset + size;
    for (let n = 0; n < count; n++) {
      if (at + 46 > end || this.#u32(at) !== SIG_CENTRAL) throw new ZipError(`corrupt zip: central directory entry ${n} is bad`);
      const nameLen = this.#u16(at + 28);
      const extraLen = this.#u16(at + 30);
      const commentLen = this.#u16(at + 32);
      if (at + 46 + nameLen + extraLen > end) throw new ZipError(`corrupt zip: central directory entry ${n} runs past the directory`);
      const entry: ZipEntry = {
        name: new TextDecoder().decode(this.#buf.subarray(at + 46, at + 46 + nameLen)),
        method: this.#u16(at + 10),
        crc: this.#u32(at + 16),
        compressedSize: this.#u32(at + 20),
        size: this.#u32(at + 24),
        localHeaderOffset: this.#u32(at + 42),
      };
      this.#applyZip64(entry, at + 46 + nameLen, extraLen);
      this.entries.set(entry.name, entry);
      at += 46 + nameLen + extraLen + commentLen;
    }
  }

  /** Zip64 extra field (id 1): 8-byte values for whichever 32-bit fields are 0xffffffff, in order. */
  #applyZip64(e: ZipEntry, extra: number, length: number): void {
    if (e.size !== U32_MAX && e.compressedSize !== U32_MAX && e.localHeaderOffset !== U32_MAX) return;
    for (let at = extra; at + 4 <= extra + length;) {
      const id = this.#u16(at);
      const len = this.#u16(at + 2);
      if (id === 1) {
        let p = at + 4;
        const next = (): number => { const v = this.#u64(p); p += 8; return v; };
        if (e.size === U32_MAX) e.size = next();
        if (e.compressedSize === U32_MAX) e.compressedSize = next();
        if (e.localHeaderOffset === U32_MAX) e.localHeaderOffset = next();
        return;
      }
      at += 4 + len;
    }
    throw new ZipError(`corrupt zip: entry '${e.name}' needs a zip64 extra field and has none`);
  }

  has(name: string): boolean { return this.entries.has(name); }

  /**
   * The bytes of an entry: a view into the archive for stored entries, a new buffer for deflated
   * ones. The CRC-32 is checked when `verify` is set.
   */
  read(name: string, verify = true): Uint8Array {
    const e = this.entries.get(name);
    if (!e) throw new ZipError(`no entry '${name}' in the archive`);
    const h = e.localHeaderOffset;
    if (h + 30 > this.#buf.length || this.#u32(h) !== SIG_LOCAL) throw new ZipError(`corrupt or truncated zip: local header of '${name}' is missing`);
    const start = h + 30 + this.#u16(h + 26) + this.#u16(h + 28);
    if (start + e.compressedSize > this.#buf.length) {
      throw new ZipError(`truncated zip: entry '${name}' needs bytes up to ${start + e.compressedSize}, the file has ${this.#buf.length}`);
    }
    const raw = this.#buf.subarray(start, start + e.compressedSize);
    let out: Uint8Array;
    if (e.method === 0) out = raw;
    else if (e.method === 8) out = inflate(raw, name);
    else throw new ZipError(`entry '${name}' uses compression method ${e.method}; only stored (0) and deflate (8) are supported`);
    if (out.length !== e.size) throw new ZipError(`corrupt zip: entry '${name}' has ${out.length} bytes, its header says ${e.size}`);
    if (verify && crc32(out) !== e.crc) throw new ZipError(`corrupt zip: CRC-32 mismatch in entry '${name}'`);
    return out;
  }
}

function inflate(raw: Uint8Array, name: string): Uint8Array {
  try {
    return inflateRawSync(raw);
  } catch (err) {
    throw new ZipError(`corrupt zip: cannot inflate entry '${name}': ${(err as Error).message}`);
  }
}

export function readZip(buf: Uint8Array): ZipArchive {
  return new ZipArchive(buf);
}
