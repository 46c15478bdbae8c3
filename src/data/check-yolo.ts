// `yolotrim dataset check --data`: a YOLOv5 data yaml, its image lists and their label files.
// Errors: list sources or listed images that do not exist, unreadable images, label lines that
// cannot be read, labels out of range (class not in [0, nc), values outside [0, 1], no area).
// Warnings: images without a label file, boxes reaching outside the image, duplicate label rows,
// duplicate images.
import { readFile } from 'node:fs/promises';
import { ClassCounter, displayPath, duplicateIssues, finishReport, formatNotes, type CheckOptions, type CheckReport } from './check-report.js';
import { SPLIT_NAMES, imageToLabelPath, listSplitImages, readDataYaml, type ResolvedData, type SplitName } from './formats/data-yaml.js';
import { formatLabelLine, labelProblems, parseLabels } from './formats/yolo-txt.js';
import { fileHash, probeImage } from './images.js';
import type { Issue } from './issues.js';
import { IMAGE_CONCURRENCY, mapPool } from './pool.js';

interface ImageResult {
  issues: Issue[];
  classIds?: number[];
  hash?: string;
  format?: string;
}

export async function checkYoloData(yamlFile: string, options: CheckOptions = {}): Promise<CheckReport> {
  const data = await readDataYaml(yamlFile);
  const issues: Issue[] = [];
  const listsOf = new Map<string, SplitName[]>();
  const splits: Partial<Record<SplitName, number>> = {};
  for (const k of SPLIT_NAMES) {
    if (data.splits[k].length === 0) continue;
    const { images, missing } = await listSplitImages(data.splits[k]);
    for (const m of missing) issues.push({ level: 'error', kind: 'listed-missing', file: displayPath(data.root, m), reason: `${k} source does not exist (or is not a folder, .txt list or image)` });
    splits[k] = images.length;
    for (const img of images) listsOf.set(img, [...(listsOf.get(img) ?? []), k]);
  }
  const images = [...listsOf.keys()];
  let done = 0;
  const results = await mapPool(images, IMAGE_CONCURRENCY, async (img) => {
    const r = await checkImage(data, img, options.decode ?? true);
    options.onProgress?.({ phase: 'checking', done: ++done, total: images.length });
    return r;
  });
  const counter = new ClassCounter(data.names);
  const hashes = new Map<string, string>();
  const formats = new Map<string, string>();
  results.forEach((r, i) => {
    const rel = displayPath(data.root, images[i]!);
    issues.push(...r.issues);
    if (r.classIds) counter.addImage(r.classIds);
    if (r.hash) hashes.set(rel, r.hash);
    if (r.format) formats.set(rel, r.format);
  });
  const relLists = new Map([...listsOf].map(([img, l]) => [displayPath(data.root, img), l as string[]]));
  issues.push(...duplicateIssues(hashes, relLists));
  return finishReport({
    kind: 'yolo',
    source: data.file,
    root: data.root,
    images: images.length,
    labelled: counter.labelled,
    background: counter.background,
    boxes: counter.total(),
    classes: counter.result(),
    splits,
    notes: formatNotes(formats),
    issues,
  });
}

async function checkImage(data: ResolvedData, image: string, decode: boolean): Promise<ImageResult> {
  const file = displayPath(data.root, image);
  const result: ImageResult = { issues: [] };
  try {
    const info = await probeImage(image, { decode });
    result.format = info.format;
    result.hash = await fileHash(image);
  } catch (e) {
    const missing = (e as Error).message === 'file not found';
    result.issues.push({ level: 'error', kind: missing ? 'listed-missing' : 'unreadable-image', file, reason: missing ? 'listed, but the file does not exist' : (e as Error).message });
    return result;
  }
  const labelFile = imageToLabelPath(image);
  let text: string;
  try {
    text = await readFile(labelFile, 'utf8');
  } catch {
    result.issues.push({ level: 'warning', kind: 'missing-label', file, reason: `no label file ${displayPath(data.root, labelFile)} (trained as a background image)` });
    result.classIds = [];
    return result;
  }
  const labelRel = displayPath(data.root, labelFile);
  const { labels, errors } = parseLabels(text);
  for (const err of errors) result.issues.push({ level: 'error', kind: 'malformed-label', file: labelRel, reason: `line ${err.line}: ${err.reason}` });
  const seen = new Set<string>();
  result.classIds = [];
  labels.forEach((l, i) => {
    const p = labelProblems(l, data.nc);
    for (const reason of p.errors) result.issues.push({ level: 'error', kind: 'label-out-of-range', file: labelRel, reason: `label ${i + 1}: ${reason}` });
    for (const reason of p.warnings) result.issues.push({ level: 'warning', kind: 'box-outside-image', file: labelRel, reason: `label ${i + 1}: ${reason}` });
    const key = formatLabelLine({ ...l, conf: undefined });
    if (seen.has(key)) result.issues.push({ level: 'warning', kind: 'duplicate-label', file: labelRel, reason: `label ${i + 1} repeats an earlier row` });
    seen.add(key);
    if (p.errors.length === 0) result.classIds!.push(l.cls);
  });
  return result;
}
