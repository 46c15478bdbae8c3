// Where the loader's images come from: decoded from the file each time, or from a cache built once
// before training (YOLOv5's --cache): `ram` keeps every resized image in shared memory (visible to all
// worker threads without copies), `disk` keeps them as raw files that read back without decoding.
// The description (ImageSourceSpec) is plain data, so it can be posted to worker threads.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decodeImage, loadSize, type Interpolation, type LoadedImage } from './decode.js';
import { DatasetError } from './errors.js';
import { mapPool } from './pool.js';

export type CacheMode = 'ram' | 'disk';

export interface RamEntry {
  buffer: SharedArrayBuffer;
  width: number;
  height: number;
  original: [number, number];
}

interface SourceBase {
  files: string[];
  imgSize: number;
  interpolation: Interpolation;
}

export type ImageSourceSpec =
  | (SourceBase & { mode: 'decode' })
  | (SourceBase & { mode: 'ram'; entries: RamEntry[] })
  | (SourceBase & { mode: 'disk'; paths: string[] });

export type ImageSource = (index: number) => Promise<LoadedImage>;

/**
 * The images of one source. Cached images are shared: callers must not write into them.
 * `maxDecodes` bounds the decodes in flight from this source (each takes a libuv thread, which the
 * thread budget must count); default 1.
 */
export function openImageSource(spec: ImageSourceSpec, maxDecodes = 1): ImageSource {
  const check = (i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= spec.files.length) throw new RangeError(`image index ${i} is outside 0..${spec.files.length - 1}`);
  };
  if (spec.mode === 'ram') {
    return async (i) => {
      check(i);
      const e = spec.entries[i]!;
      return { image: { data: new Uint8Array(e.buffer), width: e.width, height: e.height }, original: e.original };
    };
  }
  if (spec.mode === 'disk') {
    return async (i) => {
      check(i);
      return readCacheFile(spec.paths[i]!, spec.files[i]!, spec.imgSize, spec.interpolation);
    };
  }
  const slots = limiter(maxDecodes);
  return (i) => {
    check(i);
    return slots(() => decodeImage(spec.files[i]!, spec.imgSize, { interpolation: spec.interpolation }));
  };
}

/** Runs at most `n` of the given async functions at once, the others in call order. */
function limiter(n: number): <R>(fn: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export interface BuildCacheOptions {
  /** for disk: the folder of the cache files (default: `.yolotrim-cache` in the images' common folder) */
  dir?: string;
  /** decodes at once (sharp threads); default 2 */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  /** how images are shrunk (decode.ts); default area */
  interpolation?: Interpolation;
  /** per image [height, width] as shown: for ram, the memory needed is checked before decoding */
  shapes?: readonly [number, number][];
}

/** Bytes of all images resized for imgSize. */
export function cacheBytes(shapes: readonly [number, number][], imgSize: number): number {
  return shapes.reduce((sum, [h, w]) => {
    const [rh, rw] = loadSize(h, w, imgSize);
    return sum + rh * rw * 3;
  }, 0);
}

/** Datasets whose resized images take at most this much are cached in RAM when no --cache is given. */
export const AUTO_CACHE_MAX_BYTES = 1 << 30;

/**
 * The cache when the user chose none: RAM when all resized images fit in AUTO_CACHE_MAX_BYTES and a
 * fifth of the free memory (decoding then happens once, not every epoch; the pixels are the same),
 * else decoding each time as YOLOv5 does without --cache.
 */
export function autoCacheMode(shapes: readonly [number, number][], imgSize: number, freeBytes = os.freemem()): { mode: CacheMode | false; bytes: number } {
  const bytes = cacheBytes(shapes, imgSize);
  return { mode: bytes <= Math.min(AUTO_CACHE_MAX_BYTES, 0.2 * freeBytes) ? 'ram' : false, bytes };
}

/** Decodes every image once into the cache (disk: only those not cached yet) and describes the result. */
export async function buildImageSource(files: string[], imgSize: number, mode: CacheMode | 'decode', o: BuildCacheOptions = {}): Promise<ImageSourceSpec> {
  const interpolation = o.interpolation ?? 'area';
  const decode = (f: string) => decodeImage(f, imgSize, { interpolation });
  if (mode === 'decode') return { mode, files, imgSize, interpolation };
  let done = 0;
  const tick = () => o.onProgress?.(++done, files.length);
  if (mode === 'ram') {
    const need = o.shapes ? cacheBytes(o.shapes, imgSize) : 0;
    if (need > 0.9 * os.freemem()) {
      const gb = (b: number) => (b / 2 ** 30).toFixed(1);
      throw new DatasetError(`--cache ram needs ${gb(need)} GB for ${files.length} images at ${imgSize} px, but ${gb(os.freemem())} GB are free; use --cache disk or no cache`);
    }
    const entries = await mapPool(files, o.concurrency ?? 2, async (f) => {
      const { image, original } = await decode(f);
      const buffer = new SharedArrayBuffer(image.data.length);
      new Uint8Array(buffer).set(image.data);
      tick();
      return { buffer, width: image.width, height: image.height, original };
    });
    return { mode, files, imgSize, interpolation, entries };
  }
  const dir = o.dir ?? path.join(commonFolder(files), '.yolotrim-cache');
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new DatasetError(`cannot make the disk cache folder ${dir} (${(e as NodeJS.ErrnoException).code}); give another folder (cacheDir)`);
  }
  const paths = await mapPool(files, o.concurrency ?? 2, async (f) => {
    const p = path.join(dir, `${await cacheKey(f, imgSize, interpolation)}.rgb`);
    if (!(await stat(p).catch(() => undefined))) await writeCacheFile(p, await decode(f));
    tick();
    return p;
  });
  return { mode, files, imgSize, interpolation, paths };
}

/** The longest folder that holds every file. */
export function commonFolder(files: readonly string[]): string {
  if (files.length === 0) return process.cwd();
  let common = path.dirname(path.resolve(files[0]!));
  for (const f of files) {
    while (!path.resolve(f).startsWith(common + path.sep) && path.dirname(common) !== common) common = path.dirname(common);
  }
  return common;
}

/** The file's identity (path, size, modification time) and the image size: a changed image gets a new key. */
async function cacheKey(file: string, imgSize: number, interpolation: Interpolation): Promise<string> {
  const st = await stat(file);
  const how = interpolation === 'area' ? '' : `\0${interpolation}`; // area keeps the keys of earlier caches
  return createHash('sha1').update(`${path.resolve(file)}\0${st.size}\0${st.mtimeMs}\0${imgSize}${how}`).digest('hex');
}

const MAGIC = 0x31435459; // "YTC1"
const HEADER = 20;

async function writeCacheFile(p: string, li: LoadedImage): Promise<void> {
  const head = Buffer.alloc(HEADER);
  [MAGIC, li.image.width, li.image.height, li.original[0], li.original[1]].forEach((v, k) => head.writeUInt32LE(v, k * 4));
  const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, Buffer.concat([head, li.image.data]));
  await rename(tmp, p); // readers never see half a file
}

async function readCacheFile(p: string, source: string, imgSize: number, interpolation: Interpolation): Promise<LoadedImage> {
  const buf = await readFile(p).catch(() => undefined);
  if (buf && buf.length >= HEADER && buf.readUInt32LE(0) === MAGIC) {
    const [width, height, h0, w0] = [4, 8, 12, 16].map((k) => buf.readUInt32LE(k)) as [number, number, number, number];
    if (buf.length === HEADER + width * height * 3) {
      return { image: { data: new Uint8Array(buf.buffer, buf.byteOffset + HEADER, width * height * 3), width, height }, original: [h0, w0] };
    }
  }
  return decodeImage(source, imgSize, { interpolation }); // missing or damaged cache file: the image itself still works
}
