// Reading a Pascal VOC folder (`<root>/Annotations/*.xml` + `<root>/images/*`): every xml parsed,
// its image found and read. Bad files are reported as issues with the file and the reason and left
// out; they never stop the others. Shared by `dataset convert` and `dataset check --root`.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from './errors.js';
import { parseVoc, VocParseError, type VocAnnotation } from './formats/voc.js';
import { indexImages, probeImage, stemOf, type ImageIndex, type ImageInfo } from './images.js';
import type { Issue } from './issues.js';
import { IMAGE_CONCURRENCY, mapPool, type ProgressFn } from './pool.js';
import { listAnnotations } from './split.js';

export interface VocLayout {
  root: string;
  annotationsDir: string;
  imagesDir: string;
}

/** One usable xml file with its image. */
export interface VocEntry {
  id: string;
  /** relative to the root: `Annotations/<id>.xml` */
  xmlFile: string;
  /** the image's file name inside images/ */
  imageName: string;
  image: ImageInfo;
  /** the size boxes are normalised by: the xml's, or the image's when the xml has none (or 0) */
  size: { width: number; height: number };
  sizeFromImage: boolean;
  annotation: VocAnnotation;
}

export interface VocFolder {
  layout: VocLayout;
  ids: string[];
  index: ImageIndex;
  entries: VocEntry[];
  issues: Issue[];
  /** image file names that no xml refers to */
  imagesWithoutXml: string[];
}

export async function resolveVocLayout(root: string): Promise<VocLayout> {
  const abs = path.resolve(root);
  const isDir = async (p: string) => (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
  if (!(await isDir(abs))) throw new DatasetError(`${root} is not a folder`);
  const annotationsDir = path.join(abs, 'Annotations');
  const imagesDir = path.join(abs, 'images');
  if (!(await isDir(annotationsDir))) throw new DatasetError(`${root} has no Annotations folder (expected <root>/Annotations/*.xml)`);
  if (!(await isDir(imagesDir))) {
    const hint = (await isDir(path.join(abs, 'JPEGImages'))) ? '; rename JPEGImages to images (YOLO finds labels from /images/ paths)' : '';
    throw new DatasetError(`${root} has no images folder (expected <root>/images/)${hint}`);
  }
  return { root: abs, annotationsDir, imagesDir };
}

export async function loadVocFolder(
  root: string,
  options: { decode?: boolean; onProgress?: ProgressFn } = {},
): Promise<VocFolder> {
  const layout = await resolveVocLayout(root);
  const xmls = await listAnnotations(layout.root);
  if (xmls.length === 0) throw new DatasetError(`${layout.annotationsDir} has no .xml files`);
  const ids = xmls.map((x) => x.id);
  const index = await indexImages(layout.imagesDir);
  let done = 0;
  const results = await mapPool(xmls, IMAGE_CONCURRENCY, async (xml) => {
    const r = await loadVocEntry(layout, index, xml, options.decode ?? true);
    options.onProgress?.({ phase: 'reading', done: ++done, total: ids.length });
    return r;
  });
  const entries = results.flatMap((r) => (r.entry ? [r.entry] : []));
  const issues = results.flatMap((r) => r.issues);
  // an image counts as having an xml when an xml of its id exists, even one that could not be used
  const used = new Set(entries.map((e) => e.imageName));
  for (const id of ids) {
    const f = index.find(id);
    if (f) used.add(f);
  }
  const imagesWithoutXml = index.files.filter((f) => !used.has(f));
  return { layout, ids, index, entries, issues, imagesWithoutXml };
}

interface EntryResult {
  entry?: VocEntry;
  issues: Issue[];
}

export async function loadVocEntry(
  layout: VocLayout,
  index: ImageIndex,
  xml: { id: string; file: string },
  decode: boolean,
): Promise<EntryResult> {
  const { id } = xml;
  const xmlFile = `Annotations/${xml.file}`;
  const parsed = await readAnnotation(path.join(layout.annotationsDir, xml.file), xmlFile);
  if ('issue' in parsed) return { issues: [parsed.issue] };
  const { annotation } = parsed;
  const issues: Issue[] = parsed.warnings.map((reason) => ({ level: 'warning', kind: 'bad-object', file: xmlFile, reason: `${reason}; dropped` }));
  const imageName = findImageFor(index, id, annotation);
  if (!imageName) {
    const also = annotation.filename && stemOf(annotation.filename) !== id ? ` or ${annotation.filename}` : '';
    issues.push({ level: 'error', kind: 'missing-image', file: xmlFile, reason: `no image images/${id}.*${also}; skipped` });
    return { issues };
  }
  const ambiguous = index.ambiguous.get(stemOf(imageName));
  if (ambiguous) {
    issues.push({ level: 'warning', kind: 'ambiguous-image', file: xmlFile, reason: `several images (${ambiguous.join(', ')}); using ${imageName}` });
  }
  let image: ImageInfo;
  try {
    image = await probeImage(path.join(layout.imagesDir, imageName), { decode });
  } catch (e) {
    issues.push({ level: 'error', kind: 'unreadable-image', file: `images/${imageName}`, reason: `${(e as Error).message}; skipped` });
    return { issues };
  }
  const sizeFromImage = !annotation.size;
  const size = annotation.size ? { width: annotation.size.width, height: annotation.size.height } : { width: image.width, height: image.height };
  if (annotation.size && (size.width !== image.width || size.height !== image.height)) {
    const reason = `xml says ${size.width}x${size.height}, images/${imageName} is ${image.width}x${image.height}; boxes are normalised by the xml's size`;
    issues.push({ level: 'warning', kind: 'size-mismatch', file: xmlFile, reason });
  }
  return { entry: { id, xmlFile, imageName, image, size, sizeFromImage, annotation }, issues };
}

async function readAnnotation(
  abs: string,
  xmlFile: string,
): Promise<{ annotation: VocAnnotation; warnings: string[] } | { issue: Issue }> {
  try {
    const text = await readFile(abs, 'utf8');
    return parseVoc(text);
  } catch (e) {
    const empty = e instanceof VocParseError && e.message === 'empty file';
    const reason = e instanceof VocParseError ? e.message : `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    return { issue: { level: 'error', kind: empty ? 'empty-xml' : 'malformed-xml', file: xmlFile, reason: `${reason}; skipped` } };
  }
}

/** By the xml's own name first (as the original tool did), then by its <filename>. */
function findImageFor(index: ImageIndex, id: string, a: VocAnnotation): string | undefined {
  return index.find(id) ?? (a.filename ? index.find(stemOf(a.filename)) : undefined);
}
