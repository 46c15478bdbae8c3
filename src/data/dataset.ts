// A LoadedDataset: the images of a split with their labels and sizes, read once before training.
// As YOLOv5's verify_image_label: an image that cannot be read (or is under 10 px) and a label file
// with a bad line or a label out of range are reported with the file and reason, skipped, and counted;
// an image without a label file is a background image; repeated label rows are dropped.
import { readFile } from 'node:fs/promises';
import { DatasetError } from './errors.js';
import { imageToLabelPath, listSplitImages, readDataYaml, type ResolvedData, type SplitName } from './formats/data-yaml.js';
import { formatLabelLine, labelProblems, parseLabels, type YoloLabel } from './formats/yolo-txt.js';
import { probeImage } from './images.js';
import type { Issue } from './issues.js';
import { IMAGE_CONCURRENCY, mapPool, type ProgressFn } from './pool.js';

export interface DatasetCounts {
  /** images listed */
  listed: number;
  /** images kept */
  kept: number;
  /** kept images with at least one label */
  labelled: number;
  /** kept images without a label file */
  missingLabels: number;
  /** kept images whose label file has no rows */
  emptyLabels: number;
  /** images skipped: unreadable image or bad label file */
  skipped: number;
  /** repeated label rows dropped */
  duplicateRows: number;
  /** labels kept, all images */
  labels: number;
}

export interface LoadedDataset {
  /** image paths (the kept ones, in listing order) */
  images: string[];
  /** per image, rows [cls, cx, cy, w, h] normalised (5 numbers per label; empty for background) */
  labels: Float32Array[];
  /** per image, [height, width] as shown (EXIF orientation applied) */
  shapes: [number, number][];
  names: string[];
  counts: DatasetCounts;
  /** one entry per problem: errors for skipped images, warnings for the others */
  issues: Issue[];
}

export interface LoadDatasetOptions {
  /** class names: label classes must be below their count */
  names: string[];
  concurrency?: number;
  onProgress?: ProgressFn;
}

type ImageCheck =
  | { ok: true; labels: Float32Array; shape: [number, number]; missing: boolean; duplicates: number; issues: Issue[] }
  | { ok: false; issues: Issue[] };

export async function loadDataset(images: readonly string[], o: LoadDatasetOptions): Promise<LoadedDataset> {
  let done = 0;
  const checks = await mapPool(images, o.concurrency ?? IMAGE_CONCURRENCY, async (img) => {
    const r = await checkImage(img, o.names.length);
    o.onProgress?.({ phase: 'reading labels', done: ++done, total: images.length });
    return r;
  });
  const ds: LoadedDataset = {
    images: [], labels: [], shapes: [], names: o.names, issues: [],
    counts: { listed: images.length, kept: 0, labelled: 0, missingLabels: 0, emptyLabels: 0, skipped: 0, duplicateRows: 0, labels: 0 },
  };
  checks.forEach((r, i) => {
    ds.issues.push(...r.issues);
    if (!r.ok) {
      ds.counts.skipped++;
      return;
    }
    const n = r.labels.length / 5;
    ds.images.push(images[i]!);
    ds.labels.push(r.labels);
    ds.shapes.push(r.shape);
    ds.counts.kept++;
    ds.counts.labels += n;
    ds.counts.duplicateRows += r.duplicates;
    if (n > 0) ds.counts.labelled++;
    else if (r.missing) ds.counts.missingLabels++;
    else ds.counts.emptyLabels++;
  });
  return ds;
}

/** The dataset of one split of a YOLOv5 data yaml; a listed source that does not exist is an error. */
export async function loadSplit(dataYaml: string, split: SplitName, o: Omit<LoadDatasetOptions, 'names'> = {}): Promise<LoadedDataset> {
  return loadSplitOf(await readDataYaml(dataYaml), split, o);
}

/** The same for a data yaml already read (several splits without re-reading it). */
export async function loadSplitOf(data: ResolvedData, split: SplitName, o: Omit<LoadDatasetOptions, 'names'> = {}): Promise<LoadedDataset> {
  const sources = data.splits[split];
  if (sources.length === 0) throw new DatasetError(`${data.file}: no ${split} split`);
  const { images, missing } = await listSplitImages(sources);
  if (missing.length) throw new DatasetError(`${data.file}: ${split} source does not exist: ${missing.join(', ')}`);
  if (images.length === 0) throw new DatasetError(`${data.file}: the ${split} split has no images`);
  return loadDataset(images, { ...o, names: data.names });
}

const MIN_SIDE = 10;

async function checkImage(image: string, nc: number): Promise<ImageCheck> {
  let shape: [number, number];
  try {
    const info = await probeImage(image);
    if (info.width < MIN_SIDE || info.height < MIN_SIDE) throw new Error(`image size ${info.width}x${info.height} is under ${MIN_SIDE} pixels`);
    shape = [info.height, info.width];
  } catch (e) {
    return { ok: false, issues: [{ level: 'error', kind: 'unreadable-image', file: image, reason: `${(e as Error).message}; skipped` }] };
  }
  const labelFile = imageToLabelPath(image);
  let text: string;
  try {
    text = await readFile(labelFile, 'utf8');
  } catch {
    const issue: Issue = { level: 'warning', kind: 'missing-label', file: image, reason: `no label file ${labelFile} (trained as a background image)` };
    return { ok: true, labels: new Float32Array(0), shape, missing: true, duplicates: 0, issues: [issue] };
  }
  return checkLabels(labelFile, text, nc, shape);
}

function checkLabels(labelFile: string, text: string, nc: number, shape: [number, number]): ImageCheck {
  const { labels, errors } = parseLabels(text);
  const bad: Issue[] = errors.map((e) => ({ level: 'error', kind: 'malformed-label', file: labelFile, reason: `line ${e.line}: ${e.reason}; image skipped` }));
  labels.forEach((l, i) => {
    if (l.conf !== undefined) bad.push({ level: 'error', kind: 'malformed-label', file: labelFile, reason: `label ${i + 1}: 6 values (a prediction with confidence?), expected cls cx cy w h; image skipped` });
    for (const reason of labelProblems(l, nc).errors) bad.push({ level: 'error', kind: 'label-out-of-range', file: labelFile, reason: `label ${i + 1}: ${reason}; image skipped` });
  });
  if (bad.length) return { ok: false, issues: bad };
  const seen = new Set<string>();
  const unique: YoloLabel[] = [];
  for (const l of labels) {
    const key = formatLabelLine(l);
    if (!seen.has(key)) unique.push(l);
    seen.add(key);
  }
  const duplicates = labels.length - unique.length;
  const issues: Issue[] = duplicates ? [{ level: 'warning', kind: 'duplicate-label', file: labelFile, reason: `${duplicates} repeated rows dropped` }] : [];
  const rows = Float32Array.from(unique.flatMap((l) => [l.cls, l.cx, l.cy, l.w, l.h]));
  return { ok: true, labels: rows, shape, missing: false, duplicates, issues };
}
