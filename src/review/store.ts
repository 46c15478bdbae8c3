// The review tool's access to a Pascal VOC folder (`<root>/Annotations/*.xml` + `<root>/images/*`):
// the list of images with their boxes' lowest confidence, one image's annotation, and saving a
// corrected one. Every path comes from an image id that is checked to stay inside the folder.
// Saving writes the xml atomically (a temp file, then a rename), first copies a file it changes for
// the first time to `<id>.xml.orig`, drops the confidences of the saved boxes (a person confirmed
// them) and records the id in `<root>/review-state.json`. A malformed xml is that image's error,
// never the whole list's.
import { createHash, randomBytes } from 'node:crypto';
import { constants, writeFileSync, renameSync, rmSync } from 'node:fs';
import { copyFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatVoc, parseVoc, type VocAnnotation, type VocObject } from '../data/formats/voc.js';
import { indexImages, probeImage, stemOf, type ImageIndex } from '../data/images.js';
import { IMAGE_CONCURRENCY, mapPool } from '../data/pool.js';
import { byCodeUnit, listAnnotations } from '../data/split.js';
import { resolveVocLayout, type VocLayout } from '../data/voc-folder.js';

export const STATE_FILE = 'review-state.json';

/** A request the store refuses; `status` is the HTTP status the server answers with. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** One line of the image list. */
export interface ImageEntry {
  id: string;
  /** the image's file name in images/, or null when only the xml exists */
  image: string | null;
  hasXml: boolean;
  objects: number;
  /** the lowest box confidence; null when no box has one */
  minConf: number | null;
  classes: string[];
  reviewed: boolean;
  /** why the xml (or the image) cannot be used */
  error?: string;
}

/** One image's annotation, for the editor. */
export interface AnnotationView {
  id: string;
  image: string;
  objects: VocObject[];
  reviewed: boolean;
  /** sha1 of the xml as read (null: no xml); a save must quote it */
  version: string | null;
  /** the xml cannot be read: the editor starts empty, and saving replaces the file */
  error?: string;
  /** objects that were dropped when reading, and would be lost by saving */
  warnings: string[];
}

/** A box as the page sends it. */
export interface BoxInput {
  name: unknown;
  xmin: unknown;
  ymin: unknown;
  xmax: unknown;
  ymax: unknown;
  pose?: unknown;
  truncated?: unknown;
  difficult?: unknown;
}

/** Writes `text` to `file` through a temporary sibling and a rename: readers never see half a file. */
export function writeTextAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** An image id names one file directly inside a folder: no separators, no `..`, nothing odd. */
export function checkId(id: string): string {
  // eslint-disable-next-line no-control-regex
  if (id === '' || id === '.' || id === '..' || /[\\/\u0000-\u001f]/.test(id)) {
    throw new StoreError(`refused: "${id}" is not an image id inside the dataset`, 403);
  }
  return id;
}

/** `dir/name`, refused when it would lead outside `dir`. */
export function insideDir(dir: string, name: string): string {
  const p = path.resolve(dir, name);
  const rel = path.relative(dir, p);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new StoreError(`refused: ${name} is outside the dataset`, 403);
  return p;
}

const sha1 = (bytes: Buffer | string): string => createHash('sha1').update(bytes).digest('hex');

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

type Parsed = { annotation: VocAnnotation; warnings: string[] } | { error: string };

function parseXml(bytes: Buffer): Parsed {
  try {
    return parseVoc(bytes.toString('utf8'));
  } catch (e) {
    return { error: `cannot read the xml: ${(e as Error).message}` };
  }
}

interface CachedEntry {
  key: string;
  entry: ImageEntry;
}

export class ReviewStore {
  private readonly cache = new Map<string, CachedEntry>();
  /** id → when it was last saved */
  private reviewed = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly layout: VocLayout, private index: ImageIndex, private readonly extraClasses: string[]) {}

  /** Opens `<root>` (Annotations/ and images/ must exist); `classes` come first in the class list. */
  static async open(root: string, classes: readonly string[] = []): Promise<ReviewStore> {
    const layout = await resolveVocLayout(root);
    const store = new ReviewStore(layout, await indexImages(layout.imagesDir), [...classes]);
    await store.loadState();
    return store;
  }

  get root(): string {
    return this.layout.root;
  }

  private xmlPath(id: string): string {
    return insideDir(this.layout.annotationsDir, `${checkId(id)}.xml`);
  }

  /** The absolute path of an image to serve; 404 for an id with no image. */
  imagePath(id: string): string {
    const name = this.index.find(checkId(id));
    if (!name) throw new StoreError(`no image for "${id}" in images/`, 404);
    return insideDir(this.layout.imagesDir, name);
  }

  private async loadState(): Promise<void> {
    const bytes = await readIfExists(path.join(this.root, STATE_FILE));
    if (!bytes) return;
    try {
      const state = JSON.parse(bytes.toString('utf8')) as { reviewed?: unknown };
      const list = state.reviewed && typeof state.reviewed === 'object' ? Object.entries(state.reviewed) : [];
      this.reviewed = new Map(list.filter((kv): kv is [string, string] => typeof kv[1] === 'string'));
    } catch {
      // an unreadable state file: start again rather than refuse to open the folder
    }
  }

  /** Every image and every xml, the malformed first, then by lowest confidence, then by id. */
  async list(): Promise<ImageEntry[]> {
    this.index = await indexImages(this.layout.imagesDir);
    const xmlIds = (await listAnnotations(this.root)).map((a) => a.id);
    const ids = [...new Set([...this.index.files.map(stemOf), ...xmlIds])];
    const entries = await mapPool(ids, IMAGE_CONCURRENCY, (id) => this.entry(id));
    const rank = (e: ImageEntry): number => (e.error ? -1 : e.minConf ?? 2);
    return entries.sort((a, b) => rank(a) - rank(b) || byCodeUnit(a.id, b.id));
  }

  /** The class names: the given ones, then every other name found in the xml files, sorted. */
  classes(entries: readonly ImageEntry[]): string[] {
    const found = new Set(entries.flatMap((e) => e.classes));
    return [...this.extraClasses, ...[...found].filter((c) => !this.extraClasses.includes(c)).sort(byCodeUnit)];
  }

  private async entry(id: string): Promise<ImageEntry> {
    const xml = this.xmlPath(id);
    const st = await stat(xml).catch(() => undefined);
    const image = this.index.find(id) ?? null;
    const key = `${st?.mtimeMs ?? 'none'}:${st?.size ?? 0}:${image}:${this.reviewed.get(id) ?? ''}`;
    const hit = this.cache.get(id);
    if (hit?.key === key) return hit.entry;
    const entry: ImageEntry = { id, image, hasXml: Boolean(st), objects: 0, minConf: null, classes: [], reviewed: this.reviewed.has(id) };
    const bytes = st ? await readIfExists(xml) : null;
    const parsed = bytes ? parseXml(bytes) : undefined;
    if (parsed && 'error' in parsed) entry.error = parsed.error;
    else if (parsed) {
      const objects = parsed.annotation.objects;
      const confs = objects.flatMap((o) => (o.bndbox.conf === undefined ? [] : [o.bndbox.conf]));
      Object.assign(entry, {
        objects: objects.length,
        minConf: confs.length > 0 ? Math.min(...confs) : null,
        classes: [...new Set(objects.map((o) => o.name))],
      });
    }
    if (!image) entry.error = `no image images/${id}.*`;
    this.cache.set(id, { key, entry });
    return entry;
  }

  /** One image's annotation; an unreadable xml comes back as `error` with no objects. */
  async read(id: string): Promise<AnnotationView> {
    const image = this.index.find(checkId(id)) ?? (await indexImages(this.layout.imagesDir)).find(id);
    if (!image) throw new StoreError(`no image for "${id}" in images/`, 404);
    const bytes = await readIfExists(this.xmlPath(id));
    const view: AnnotationView = { id, image, objects: [], reviewed: this.reviewed.has(id), version: bytes ? sha1(bytes) : null, warnings: [] };
    if (!bytes) return view;
    const parsed = parseXml(bytes);
    if ('error' in parsed) return { ...view, error: parsed.error };
    return { ...view, objects: parsed.annotation.objects, warnings: parsed.warnings };
  }

  /** Saves the boxes a person confirmed (one save at a time); returns the image's new list entry. */
  save(id: string, boxes: unknown, version: unknown): Promise<ImageEntry> {
    const run = this.queue.then(() => this.saveNow(id, boxes, version));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async saveNow(id: string, boxes: unknown, version: unknown): Promise<ImageEntry> {
    const xml = this.xmlPath(id);
    const imageFile = this.imagePath(id);
    const current = await readIfExists(xml);
    if ((current ? sha1(current) : null) !== version) {
      throw new StoreError(`Annotations/${id}.xml changed on disk since it was opened; reload the image`, 409);
    }
    const { width, height } = await probeImage(imageFile).catch((e: Error) => {
      throw new StoreError(`cannot read images/${path.basename(imageFile)}: ${e.message}`, 422);
    });
    const objects = confirmedObjects(boxes, width, height);
    const previous = current ? parseXml(current) : undefined;
    const prev = previous && 'annotation' in previous ? previous.annotation : undefined;
    const annotation: VocAnnotation = {
      folder: prev?.folder ?? path.basename(this.layout.imagesDir),
      filename: path.basename(imageFile),
      ...(prev?.path !== undefined ? { path: prev.path } : {}),
      size: { width, height, depth: prev?.size?.depth ?? 3 },
      objects,
    };
    if (current) await keepOriginal(xml);
    writeTextAtomic(xml, formatVoc(annotation));
    this.reviewed.set(id, new Date().toISOString());
    writeTextAtomic(path.join(this.root, STATE_FILE), `${JSON.stringify({ reviewed: Object.fromEntries(this.reviewed) }, null, 1)}\n`);
    return this.entry(id);
  }
}

/** Copies `file` to `file.orig` unless that backup exists already (it holds the first version). */
async function keepOriginal(file: string): Promise<void> {
  try {
    await copyFile(file, `${file}.orig`, constants.COPYFILE_EXCL);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** The page's boxes as VOC objects: whole pixels inside the image, no confidence; 400 for a bad box. */
export function confirmedObjects(boxes: unknown, width: number, height: number): VocObject[] {
  if (!Array.isArray(boxes)) throw new StoreError('expected a list of boxes', 400);
  return boxes.map((raw: BoxInput, i): VocObject => {
    const bad = (why: string): never => {
      throw new StoreError(`box ${i + 1}: ${why}`, 400);
    };
    if (typeof raw !== 'object' || raw === null) bad('not an object');
    const name = typeof raw.name === 'string' ? raw.name.trim() : '';
    if (!name) bad('no class name');
    const coord = (k: 'xmin' | 'ymin' | 'xmax' | 'ymax', hi: number): number => {
      const v = raw[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${k} is not a number`);
      return Math.min(Math.max(Math.round(v as number), 0), hi);
    };
    const bndbox = { xmin: coord('xmin', width), ymin: coord('ymin', height), xmax: coord('xmax', width), ymax: coord('ymax', height) };
    if (bndbox.xmax <= bndbox.xmin || bndbox.ymax <= bndbox.ymin) bad(`"${name}" has no area inside the ${width}x${height} image`);
    return {
      name,
      pose: typeof raw.pose === 'string' && raw.pose.trim() ? raw.pose.trim() : 'Unspecified',
      truncated: raw.truncated === true,
      difficult: raw.difficult === true,
      bndbox,
    };
  });
}
