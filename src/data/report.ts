// Readable text for the results of split, convert and check. Pure: results in, lines out.
import type { CheckReport } from './check-report.js';
import type { ConvertResult } from './convert.js';
import { KIND_TITLES, countIssues, groupIssues, type Issue } from './issues.js';
import type { SplitResult } from './split.js';

export interface ReportOptions {
  /** issues shown per kind before "... and N more" (default 10) */
  maxPerKind?: number;
}

export function formatIssues(issues: readonly Issue[], options: ReportOptions = {}): string[] {
  const max = options.maxPerKind ?? 10;
  const lines: string[] = [];
  for (const g of groupIssues(issues)) {
    lines.push(`${g.level === 'error' ? 'error' : 'warning'}: ${KIND_TITLES[g.kind]} (${g.items.length})`);
    for (const i of g.items.slice(0, max)) lines.push(`  ${i.file}: ${i.reason}`);
    if (g.items.length > max) lines.push(`  ... and ${g.items.length - max} more (--verbose shows all)`);
  }
  return lines;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function summaryLine(issues: readonly Issue[]): string {
  const { errors, warnings } = countIssues(issues);
  if (errors === 0 && warnings === 0) return 'no errors, no warnings';
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export function formatSplitResult(r: SplitResult): string[] {
  const s = r.split;
  const n = s.trainval.length + s.test.length;
  return [
    `split ${plural(n, 'id')} of ${r.root}: train ${s.train.length}, val ${s.val.length}, test ${s.test.length} (trainval ${s.trainval.length})`,
    `ImageSets/: ${r.files.written.length} written, ${r.files.unchanged.length} unchanged`,
  ];
}

export function formatConvertResult(r: ConvertResult, options: ReportOptions = {}): string[] {
  const c = r.counts;
  const perClass = r.classes.map((name, i) => `${name} ${c.boxesPerClass[i]}`).join(', ');
  const lines = [
    `converted ${r.root}: ${c.converted} of ${plural(c.xmlFiles, 'xml file')} → labels/, ${plural(c.boxes, 'box', 'boxes')} (${perClass})`,
    `classes ${r.classesFrom === 'xml' ? '(from the xml files, sorted)' : '(from --classes)'}: ${r.classes.join(', ')}`,
    `split ${r.split.dir}/${r.split.created ? ' (made now)' : ''}: train ${r.lists.train}, val ${r.lists.val}, test ${r.lists.test} images listed`,
  ];
  if (c.sizeFromImage) lines.push(`${plural(c.sizeFromImage, 'xml file')} without a size: the image's real size was used`);
  const left = [
    c.skipped && `${plural(c.skipped, 'xml file')} skipped`,
    c.difficult && `${plural(c.difficult, 'difficult object')} left out`,
    c.clipped && `${plural(c.clipped, 'box', 'boxes')} clipped to the image`,
    c.dropped && `${plural(c.dropped, 'box', 'boxes')} with no area dropped`,
    c.unknownClass && `${plural(c.unknownClass, 'object')} of unknown classes dropped`,
    c.background && `${plural(c.background, 'image')} without boxes (background)`,
    c.imagesWithoutXml && `${plural(c.imagesWithoutXml, 'image')} without an xml (not listed)`,
  ].filter(Boolean);
  if (left.length) lines.push(left.join('; '));
  lines.push(`files: ${r.files.written.length} written, ${r.files.unchanged.length} unchanged; data yaml: ${r.dataYaml}`);
  lines.push(...formatIssues(r.issues, options));
  lines.push(`summary: ${summaryLine(r.issues)}`);
  return lines;
}

export function formatCheckReport(r: CheckReport, options: ReportOptions = {}): string[] {
  const kind = r.kind === 'voc' ? 'Pascal VOC folder' : 'YOLO data yaml';
  const splitText = r.splits && Object.keys(r.splits).length ? Object.entries(r.splits).map(([k, n]) => `${k} ${n}`).join(', ') : '';
  // a data yaml's lists are the images checked; a VOC folder's ImageSets/ lists ids, checked or not
  const inline = r.kind === 'yolo' && splitText ? ` (${splitText})` : '';
  const lines = [
    `check of ${r.source} (${kind})`,
    `${plural(r.images, 'image')}${inline}: ${r.labelled} labelled, ${r.background} without boxes; ${plural(r.boxes, 'box', 'boxes')}`,
    ...(r.kind === 'voc' && splitText ? [`ImageSets/ lists ${splitText} ids`] : []),
    ...classTable(r),
    ...r.notes.map((n) => `note: ${n}`),
    ...formatIssues(r.issues, options),
    `summary: ${summaryLine(r.issues)}`,
  ];
  return lines;
}

function classTable(r: CheckReport): string[] {
  if (r.classes.length === 0) return ['no classes'];
  const width = Math.max(5, ...r.classes.map((c) => c.name.length));
  const row = (a: string, b: string, c: string) => `  ${a.padEnd(width)}  ${b.padStart(6)}  ${c.padStart(6)}`;
  return [row('class', 'boxes', 'images'), ...r.classes.map((c) => row(c.name, String(c.boxes), String(c.images)))];
}
