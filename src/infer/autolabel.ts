// Auto-labelling: a detector's boxes written as one Pascal VOC xml per image (`<out>/<id>.xml`, the
// id being the image's name without its last extension), in the layout LabelImg, CVAT and
// `dataset convert` read. Boxes are whole pixels rounded like `detect --save-txt` (so both give the
// same labels) and clipped to the image; each keeps the detector's confidence as <conf> inside
// <bndbox>, as the original Python tool wrote it. An image with no detection gets an xml with no
// object. An existing xml is never replaced unless `overwrite`; with `merge`, every object it has
// (those people made, without <conf>, and earlier detections) is kept as it is, and this run's
// detections are added, except those that repeat a kept box (same class, IoU above iouThres): a
// merge run twice adds nothing the second time.
// Annotated previews go to runs/label/exp. `shard` {index, count} labels image k (in sorted order)
// only in shard k mod count, so several processes can share a large folder.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatVoc, parseVoc, type VocAnnotation, type VocBox, type VocObject } from '../data/formats/voc.js';
import { stemOf } from '../data/images.js';
import { byCodeUnit } from '../data/split.js';
import { writeTextAtomic } from '../review/store.js';
import { roundBox } from './detect.js';
import { annotatedPath, saveAnnotated } from './draw.js';
import { Predictor, sourceFiles, type Detection, type ImagePrediction, type PredictOptions } from './predict.js';
import { ImageDecodeError } from './preprocess.js';
import { makeRunDir } from './run-dir.js';

export class AutolabelError extends Error {
  override name = 'AutolabelError';
}

export interface Shard {
  /** 0-based */
  index: number;
  count: number;
}

export interface AutolabelOptions extends Omit<PredictOptions, 'classes' | 'keepImages'> {
  /** where the xml files go (default `Annotations`, in the working directory) */
  out?: string;
  /** class ids or names of the model's classes to keep (default: all) */
  classes?: readonly (number | string)[] | null;
  /** replace existing xml files */
  overwrite?: boolean;
  /** add to existing xml files, keeping all their objects (see mergeObjects) */
  merge?: boolean;
  shard?: Shard;
  /** previews go to project/name (default runs/label/exp) */
  project?: string;
  name?: string;
  existOk?: boolean;
  /** no preview images */
  nosave?: boolean;
  onProgress?: (p: { done: number; total: number; file: string }) => void;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface AutolabelSummary {
  outDir: string;
  /** where the previews went (null with nosave) */
  previewDir: string | null;
  /** the model's class names */
  names: string[];
  shard: Shard | null;
  /** image files this run (shard) was given */
  images: number;
  /** xml files written: new, overwritten or merged */
  written: number;
  merged: number;
  overwritten: number;
  /** existing files a merge had nothing to add to, left as they were */
  unchanged: number;
  /** boxes added, per class name, in class-id order */
  objects: Record<string, number>;
  /** images whose xml has no object */
  empty: string[];
  skipped: SkippedFile[];
}

/** `0`, `2` and `person` → class ids of the model; an unknown name or id is an error. */
export function resolveClasses(wanted: readonly (number | string)[], names: readonly string[]): number[] {
  return wanted.map((c) => {
    const id = typeof c === 'number' ? c : /^\d+$/.test(c.trim()) ? Number(c) : names.indexOf(c);
    if (Number.isInteger(id) && id >= 0 && id < names.length) return id;
    const known = names.map((n, i) => `${i} ${n}`).join(', ');
    throw new AutolabelError(`--classes ${c}: the model has no such class (its classes: ${known})`);
  });
}

/** The files of one shard: image k of the sorted list goes to shard k mod count. */
export function shardFiles(files: readonly string[], shard?: Shard | null): string[] {
  const sorted = [...files].sort(byCodeUnit);
  if (!shard) return sorted;
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new AutolabelError(`shard ${shard.index}/${shard.count}: expected i/n with 0 <= i < n`);
  }
  return sorted.filter((_, k) => k % shard.count === shard.index);
}

/** Images whose id another image (earlier in sorted order) already has: both would write one xml. */
export function duplicateIds(files: readonly string[]): Map<string, string> {
  const first = new Map<string, string>();
  const dup = new Map<string, string>();
  for (const f of [...files].sort(byCodeUnit)) {
    const id = stemOf(f);
    const owner = first.get(id);
    if (owner === undefined) first.set(id, f);
    else dup.set(f, owner);
  }
  return dup;
}

/** A detection as a VOC object: rounded like detect --save-txt, clipped to the image, with its confidence. */
export function detectionToObject(d: Detection, width: number, height: number): VocObject {
  const [x1, y1, x2, y2] = roundBox(d.box);
  const clip = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);
  return {
    name: d.name,
    pose: 'Unspecified',
    truncated: false,
    difficult: false,
    bndbox: { xmin: clip(x1, width), ymin: clip(y1, height), xmax: clip(x2, width), ymax: clip(y2, height), conf: d.conf },
  };
}

function iou(a: VocBox, b: VocBox): number {
  const w = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  const area = (x: VocBox): number => (x.xmax - x.xmin) * (x.ymax - x.ymin);
  return (w * h) / (area(a) + area(b) - w * h);
}

/** The merge rule: every existing object kept unchanged; new ones added unless they repeat one of them. */
export function mergeObjects(existing: readonly VocObject[], fresh: readonly VocObject[], iouThres: number): { objects: VocObject[]; added: VocObject[] } {
  const added = fresh.filter((f) => !existing.some((e) => e.name === f.name && iou(e.bndbox, f.bndbox) > iouThres));
  return { objects: [...existing, ...added], added };
}

interface Plan {
  file: string;
  xml: string;
  /** the xml exists (and is replaced or merged into) */
  exists: boolean;
  /** the existing annotation to merge into */
  existing?: VocAnnotation;
}

/** Where one image's xml goes, and what is there already; a string is the reason to skip it. */
function planFile(file: string, outDir: string, o: AutolabelOptions, dup: Map<string, string>): Plan | string {
  const xml = path.join(outDir, `${stemOf(file)}.xml`);
  const owner = dup.get(file);
  if (owner) return `same id as ${displayPath(owner)}: both would write ${displayPath(xml)}`;
  if (!existsSync(xml)) return { file, xml, exists: false };
  if (o.overwrite) return { file, xml, exists: true };
  if (!o.merge) return `${displayPath(xml)} exists (use --overwrite to replace it or --merge to add to it)`;
  try {
    const { annotation, warnings } = parseVoc(readFileSync(xml, 'utf8'));
    if (warnings.length > 0) return `${displayPath(xml)} has objects that cannot be read (${warnings.join('; ')}); not merged, to keep them`;
    return { file, xml, exists: true, existing: annotation };
  } catch (e) {
    return `${displayPath(xml)} cannot be read (${(e as Error).message}); not merged`;
  }
}

/** The annotation to write for one prediction, and the objects it adds. */
function annotationFor(plan: Plan, p: Pick<ImagePrediction, 'detections' | 'width' | 'height'>, iouThres: number) {
  const fresh = p.detections.map((d) => detectionToObject(d, p.width, p.height));
  const { objects, added } = plan.existing ? mergeObjects(plan.existing.objects, fresh, iouThres) : { objects: fresh, added: fresh };
  const annotation: VocAnnotation = {
    ...(plan.existing ?? {}),
    folder: plan.existing?.folder ?? path.basename(path.dirname(plan.file)),
    filename: path.basename(plan.file),
    size: { width: p.width, height: p.height, depth: plan.existing?.size?.depth ?? 3 },
    objects,
  };
  return { annotation, added };
}

async function openPredictor(o: AutolabelOptions): Promise<Predictor> {
  const wanted = o.classes && o.classes.length > 0 ? o.classes : null;
  const base = { ...o, classes: null, keepImages: !o.nosave };
  if (!wanted) return await Predictor.open(base);
  // class names need the model's names first
  const probe = await Predictor.open({ ...base, keepImages: false });
  let classes: number[];
  try {
    classes = resolveClasses(wanted, probe.names);
  } finally {
    await probe.dispose();
  }
  return await Predictor.open({ ...base, classes });
}

/** Labels every image of `opts.source` (or of its shard); returns what was written and skipped. */
export async function autolabel(opts: AutolabelOptions): Promise<AutolabelSummary> {
  if (opts.overwrite && opts.merge) throw new AutolabelError('give --overwrite or --merge, not both');
  const { files: all, ignored } = sourceFiles(opts.source);
  const files = shardFiles(all, opts.shard);
  const dup = duplicateIds(all);
  const predictor = await openPredictor(opts);
  try {
    const outDir = path.resolve(opts.out ?? 'Annotations');
    mkdirSync(outDir, { recursive: true });
    const previewDir = opts.nosave ? null : makeRunDir({ project: opts.project ?? 'runs/label', name: opts.name ?? 'exp', existOk: opts.existOk });
    const summary: AutolabelSummary = {
      outDir, previewDir, names: predictor.names, shard: opts.shard ?? null, images: files.length, written: 0, merged: 0, overwritten: 0, unchanged: 0,
      objects: {}, empty: [], skipped: ignored.map((file) => ({ file, reason: 'not an image file name' })),
    };
    for (const [k, file] of files.entries()) {
      await labelOne(predictor, file, outDir, opts, dup, summary);
      opts.onProgress?.({ done: k + 1, total: files.length, file });
    }
    summary.objects = Object.fromEntries(predictor.names.filter((n) => summary.objects[n]).map((n) => [n, summary.objects[n]!]));
    return summary;
  } finally {
    await predictor.dispose();
  }
}

async function labelOne(predictor: Predictor, file: string, outDir: string, o: AutolabelOptions, dup: Map<string, string>, s: AutolabelSummary): Promise<void> {
  const plan = planFile(file, outDir, o, dup);
  if (typeof plan === 'string') {
    s.skipped.push({ file, reason: plan });
    return;
  }
  let p;
  try {
    p = await predictor.predictImage(file);
  } catch (e) {
    if (!(e instanceof ImageDecodeError)) throw e;
    s.skipped.push({ file, reason: `cannot read the image (${e.message})` });
    return;
  }
  const { annotation, added } = annotationFor(plan, p, o.iouThres ?? 0.45);
  if (annotation.objects.length === 0) s.empty.push(file);
  if (plan.existing && added.length === 0) s.unchanged++; // nothing new: the file stays as its author wrote it
  else {
    writeTextAtomic(plan.xml, formatVoc(annotation));
    s.written++;
    if (plan.existing) s.merged++;
    else if (plan.exists) s.overwritten++;
  }
  for (const a of added) s.objects[a.name] = (s.objects[a.name] ?? 0) + 1;
  if (s.previewDir && p.image) {
    const boxes = p.detections.map((d) => ({ box: roundBox(d.box), cls: d.cls, conf: d.conf }));
    await saveAnnotated(annotatedPath(s.previewDir, file), p.image, boxes, predictor.names);
  }
}

/** A path relative to the working directory when it is inside it. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The summary as lines for the terminal. */
export function formatAutolabelSummary(s: AutolabelSummary): string[] {
  const display = displayPath;
  const shard = s.shard ? ` (shard ${s.shard.index}/${s.shard.count})` : '';
  const how = [
    s.merged ? `${s.merged} merged` : '', s.overwritten ? `${s.overwritten} overwritten` : '', s.unchanged ? `${s.unchanged} unchanged, nothing new to merge` : '',
  ].filter(Boolean).join(', ');
  const lines = [`Labelled ${s.written} of ${plural(s.images, 'image')}${shard}: xml in ${display(s.outDir)}${how ? ` (${how})` : ''}`];
  const counts = Object.entries(s.objects);
  const total = counts.reduce((a, [, n]) => a + n, 0);
  lines.push(`Objects: ${total === 0 ? 'none' : `${counts.map(([name, n]) => `${n} ${name}`).join(', ')} (${total} in all)`}`);
  lines.push(`Empty images (xml with no object): ${s.empty.length}`);
  if (s.skipped.length > 0) {
    lines.push(`Skipped ${plural(s.skipped.length, 'file')}:`);
    for (const k of s.skipped) lines.push(`  ${display(k.file)}: ${k.reason}`);
  }
  if (s.previewDir) lines.push(`Previews saved to ${display(s.previewDir)}`);
  return lines;
}
