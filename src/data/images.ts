// Image files: which names are images, finding an image by id in a folder whatever its extension or
// case, and reading an image's real size (EXIF orientation applied) with sharp.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { withSharpMessage } from './sharp-retry.js';

/** YOLOv5's image extensions that sharp can read, plus gif and avif. Compared lowercase. */
export const IMAGE_EXTENSIONS: readonly string[] = ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'gif', 'avif', 'bmp', 'mpo'];

export function isImageFileName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.includes(name.slice(dot + 1).toLowerCase());
}

/** The file name without its last extension: `a.b.JPG` → `a.b` (ids may contain dots). */
export function stemOf(fileName: string): string {
  const base = path.basename(fileName);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

export interface ImageIndex {
  /** the image file names of the folder, sorted */
  files: string[];
  /** ids with more than one image file (e.g. `a.jpg` and `a.png`), with all their files */
  ambiguous: Map<string, string[]>;
  /** the file name for an id: the exact stem first, then the stem ignoring case; undefined if none */
  find(id: string): string | undefined;
}

/** Indexes the image files directly inside `dir` (not its sub-folders). */
export async function indexImages(dir: string): Promise<ImageIndex> {
  const files = (await readdir(dir)).filter(isImageFileName).sort();
  const exact = new Map<string, string[]>();
  const folded = new Map<string, string[]>();
  for (const f of files) {
    const stem = stemOf(f);
    pushTo(exact, stem, f);
    pushTo(folded, stem.toLowerCase(), f);
  }
  const ambiguous = new Map([...exact].filter(([, fs]) => fs.length > 1));
  return {
    files,
    ambiguous,
    find: (id) => exact.get(id)?.[0] ?? folded.get(id.toLowerCase())?.[0],
  };
}

function pushTo(m: Map<string, string[]>, key: string, value: string): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

export interface ImageInfo {
  /** as displayed, i.e. after the EXIF orientation is applied */
  width: number;
  height: number;
  /** the format found in the data (not the extension): jpeg, png, webp, ... */
  format: string;
}

export class ImageReadError extends Error {
  override name = 'ImageReadError';
}

/**
 * Reads an image's header; with `decode`, also decodes all of it (at a small size, which is fast),
 * which finds truncated and corrupt files that a header read misses.
 */
export async function probeImage(file: string, options: { decode?: boolean } = {}): Promise<ImageInfo> {
  try {
    const meta = await withSharpMessage(() => sharp(file, { failOn: 'error' }).metadata());
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) throw new ImageReadError('no image size in the file');
    if (options.decode) await withSharpMessage(() => sharp(file, { failOn: 'error' }).resize(8, 8, { fit: 'fill' }).raw().toBuffer());
    return { width, height, format: meta.format ?? 'unknown' };
  } catch (e) {
    if (e instanceof ImageReadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImageReadError(code === 'ENOENT' ? 'file not found' : cleanSharpMessage((e as Error).message));
  }
}

function cleanSharpMessage(msg: string): string {
  const first = msg.split('\n').map((l) => l.trim()).find(Boolean) ?? 'cannot read the image';
  if (/Input file is missing/i.test(first)) return 'file not found';
  if (/unsupported image format/i.test(first)) return 'not a readable image (unknown format or corrupt data)';
  return first;
}

/** The image's size as shown (EXIF orientation applied). */
export async function imageSize(file: string): Promise<{ width: number; height: number }> {
  const { width, height } = await probeImage(file);
  return { width, height };
}

/** sha1 of the file's bytes: equal for byte-identical copies. */
export async function fileHash(file: string): Promise<string> {
  return createHash('sha1').update(await readFile(file)).digest('hex');
}
