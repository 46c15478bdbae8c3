// The result of `yolotrim dataset check`, and the pieces both checks (VOC folder, YOLO data yaml) share:
// class counts, duplicate images by content hash, image formats that differ from their extension.
import path from 'node:path';
import { countIssues, type Issue } from './issues.js';

export interface ClassCount {
  name: string;
  /** boxes of this class */
  boxes: number;
  /** images with at least one box of this class */
  images: number;
}

export interface CheckReport {
  kind: 'voc' | 'yolo';
  /** the folder or the data yaml that was checked */
  source: string;
  root: string;
  /** images examined */
  images: number;
  /** images with at least one box */
  labelled: number;
  /** images with a label (or xml) that holds no box */
  background: number;
  boxes: number;
  classes: ClassCount[];
  /** images per list, when there is a split */
  splits?: Partial<Record<'train' | 'val' | 'test', number>>;
  /** facts worth knowing that are not problems */
  notes: string[];
  issues: Issue[];
  errors: number;
  warnings: number;
}

export interface CheckOptions {
  /** decode every image (default true); false reads headers only */
  decode?: boolean;
  onProgress?: (p: { phase: string; done: number; total: number }) => void;
}

/** A path for messages: relative to the root when inside it, else as given. */
export function displayPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

/** Counts boxes and images per class from each image's class indices. */
export class ClassCounter {
  readonly boxes: number[];
  readonly images: number[];
  labelled = 0;
  background = 0;

  constructor(readonly names: string[]) {
    this.boxes = names.map(() => 0);
    this.images = names.map(() => 0);
  }

  addImage(classIds: readonly number[]): void {
    if (classIds.length === 0) this.background++;
    else this.labelled++;
    for (const c of classIds) if (c in this.boxes) this.boxes[c]!++;
    for (const c of new Set(classIds)) if (c in this.images) this.images[c]!++;
  }

  result(): ClassCount[] {
    return this.names.map((name, i) => ({ name, boxes: this.boxes[i]!, images: this.images[i]! }));
  }

  total(): number {
    return this.boxes.reduce((a, b) => a + b, 0);
  }
}

/**
 * One warning per group of byte-identical images, naming the others (and the lists they are in,
 * when a copy sits in two lists: the same image in train and val inflates the metrics).
 */
export function duplicateIssues(hashes: ReadonlyMap<string, string>, listsOf?: ReadonlyMap<string, string[]>): Issue[] {
  const groups = new Map<string, string[]>();
  for (const [file, hash] of hashes) {
    const g = groups.get(hash);
    if (g) g.push(file);
    else groups.set(hash, [file]);
  }
  const issues: Issue[] = [];
  for (const files of groups.values()) {
    if (files.length < 2) continue;
    const [first, ...others] = files.sort();
    const lists = new Set(files.flatMap((f) => listsOf?.get(f) ?? []));
    const across = lists.size > 1 ? ` (across ${[...lists].join(' and ')})` : '';
    issues.push({ level: 'warning', kind: 'duplicate-image', file: first!, reason: `same content as ${others.join(', ')}${across}` });
  }
  return issues;
}

const FORMAT_OF_EXTENSION: Record<string, string> = { jpg: 'jpeg', jpeg: 'jpeg', tif: 'tiff', tiff: 'tiff', mpo: 'jpeg' };

/** A note such as "37 .jpg files hold png data (read by content: fine)". */
export function formatNotes(formats: ReadonlyMap<string, string>): string[] {
  const mismatches = new Map<string, number>();
  for (const [file, format] of formats) {
    const ext = path.extname(file).slice(1).toLowerCase();
    const expected = FORMAT_OF_EXTENSION[ext] ?? ext;
    if (format !== expected) {
      const key = `${ext}\0${format}`;
      mismatches.set(key, (mismatches.get(key) ?? 0) + 1);
    }
  }
  return [...mismatches].map(([key, n]) => {
    const [ext, format] = key.split('\0');
    return `${n} .${ext} file${n === 1 ? ' holds' : 's hold'} ${format} data (images are read by content: fine)`;
  });
}

export function finishReport(r: Omit<CheckReport, 'errors' | 'warnings'>): CheckReport {
  return { ...r, ...countIssues(r.issues) };
}
