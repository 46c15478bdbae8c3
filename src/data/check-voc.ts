// `yolotrim dataset check --root`: a Pascal VOC folder before conversion.
// Errors: malformed or empty xml, an xml without its image, unreadable images.
// Warnings: boxes outside the image (convert clips them) or with no area (convert drops them),
// images without an xml, duplicate images, xml sizes that differ from the image, ids listed in
// ImageSets/ without an xml.
import path from 'node:path';
import { ClassCounter, duplicateIssues, finishReport, formatNotes, type CheckOptions, type CheckReport } from './check-report.js';
import { fileHash } from './images.js';
import type { Issue } from './issues.js';
import { IMAGE_CONCURRENCY, mapPool } from './pool.js';
import { readSplit } from './split.js';
import { classNamesOf, clipBox } from './voc-to-yolo.js';
import { loadVocFolder, type VocEntry } from './voc-folder.js';

export async function checkVocFolder(root: string, options: CheckOptions = {}): Promise<CheckReport> {
  const folder = await loadVocFolder(root, options);
  const issues = [...folder.issues];
  const names = classNamesOf(folder.entries.map((e) => e.annotation));
  const counter = new ClassCounter(names);
  const classIndex = new Map(names.map((n, i) => [n, i]));
  for (const e of folder.entries) {
    issues.push(...boxIssues(e));
    counter.addImage(e.annotation.objects.map((o) => classIndex.get(o.name)!));
  }
  for (const f of folder.imagesWithoutXml) {
    issues.push({ level: 'warning', kind: 'missing-label', file: `images/${f}`, reason: 'no xml in Annotations/ (not converted)' });
  }
  const split = await readSplit(folder.layout.root);
  const listsOf = new Map<string, string[]>();
  if (split) {
    const xmlIds = new Set(folder.ids);
    const imageOf = new Map(folder.entries.map((e) => [e.id, `images/${e.imageName}`]));
    for (const k of ['train', 'val', 'test'] as const) {
      for (const id of split[k]) {
        if (!xmlIds.has(id)) issues.push({ level: 'warning', kind: 'listed-missing', file: `${split.dir}/${k}.txt`, reason: `lists "${id}" but there is no Annotations/${id}.xml` });
        const img = imageOf.get(id);
        if (img) listsOf.set(img, [...(listsOf.get(img) ?? []), k]);
      }
    }
  }
  const hashes = await hashImages(folder.layout.imagesDir, folder.index.files, options);
  issues.push(...duplicateIssues(hashes, listsOf));
  const difficult = folder.entries.reduce((n, e) => n + e.annotation.objects.filter((o) => o.difficult).length, 0);
  const notes = formatNotes(new Map(folder.entries.map((e) => [e.imageName, e.image.format])));
  const fromImage = folder.entries.filter((e) => e.sizeFromImage).length;
  if (fromImage) notes.push(`${fromImage} xml files have no size (or 0): the image's real size is used`);
  if (difficult) notes.push(`${difficult} objects are marked difficult (convert leaves them out unless --keep-difficult)`);
  return finishReport({
    kind: 'voc',
    source: folder.layout.root,
    root: folder.layout.root,
    images: folder.index.files.length,
    labelled: counter.labelled,
    background: counter.background,
    boxes: counter.total(),
    classes: counter.result(),
    ...(split ? { splits: { train: split.train.length, val: split.val.length, test: split.test.length } } : {}),
    notes,
    issues,
  });
}

function boxIssues(e: VocEntry): Issue[] {
  const issues: Issue[] = [];
  e.annotation.objects.forEach((o, i) => {
    const b = o.bndbox;
    const where = `object ${i + 1} ("${o.name}", x ${b.xmin}..${b.xmax}, y ${b.ymin}..${b.ymax})`;
    const clipped = clipBox(b, e.size);
    const size = `${e.size.width}x${e.size.height}`;
    if (!clipped) issues.push({ level: 'warning', kind: 'empty-box', file: e.xmlFile, reason: `${where} has no area inside the ${size} image (convert drops it)` });
    else if (clipped.clipped) issues.push({ level: 'warning', kind: 'box-outside-image', file: e.xmlFile, reason: `${where} reaches outside the ${size} image (convert clips it)` });
  });
  return issues;
}

async function hashImages(dir: string, files: readonly string[], options: CheckOptions): Promise<Map<string, string>> {
  let done = 0;
  const hashes = await mapPool(files, IMAGE_CONCURRENCY, async (f) => {
    const h = await fileHash(path.join(dir, f)).catch(() => undefined);
    options.onProgress?.({ phase: 'hashing', done: ++done, total: files.length });
    return h;
  });
  const out = new Map<string, string>();
  files.forEach((f, i) => {
    if (hashes[i]) out.set(`images/${f}`, hashes[i]!);
  });
  return out;
}
