// VOC boxes → YOLO labels, for one annotation. Pure.
//
// VOC coordinates are read as pixel edges: a box from xmin to xmax covers [xmin, xmax] of an image
// [0, width]. (The original voc_label.py, and YOLOv5's VOC.yaml, also subtract 1 from the centre for
// VOC's 1-based pixel numbers; with it, a box that starts at 0 would begin outside the image. The
// difference is under one pixel.) Boxes are clipped to the image; a box with no area left is dropped.
import type { Issue } from './issues.js';
import type { VocAnnotation, VocBox } from './formats/voc.js';
import type { YoloLabel } from './formats/yolo-txt.js';
import { byCodeUnit } from './split.js';

export interface ConversionStats {
  /** objects marked difficult that were left out */
  difficult: number;
  /** boxes that reached outside the image and were clipped to it */
  clipped: number;
  /** boxes with no area after clipping, dropped */
  dropped: number;
  /** objects whose class is not in the class list, dropped */
  unknownClass: number;
}

export interface AnnotationLabels {
  labels: YoloLabel[];
  issues: Issue[];
  stats: ConversionStats;
}

export function emptyStats(): ConversionStats {
  return { difficult: 0, clipped: 0, dropped: 0, unknownClass: 0 };
}

export function addStats(into: ConversionStats, s: ConversionStats): void {
  into.difficult += s.difficult;
  into.clipped += s.clipped;
  into.dropped += s.dropped;
  into.unknownClass += s.unknownClass;
}

/**
 * Class names found in annotations, sorted by code unit (so `Apple` < `apple` < `banana`), the same
 * on every machine. Difficult objects count too, so `--keep-difficult` does not renumber classes.
 */
export function classNamesOf(annotations: Iterable<VocAnnotation>): string[] {
  const names = new Set<string>();
  for (const a of annotations) for (const o of a.objects) names.add(o.name);
  return [...names].sort(byCodeUnit);
}

export function annotationToLabels(
  a: VocAnnotation,
  size: { width: number; height: number },
  classIndex: ReadonlyMap<string, number>,
  options: { keepDifficult?: boolean; file: string },
): AnnotationLabels {
  const labels: YoloLabel[] = [];
  const issues: Issue[] = [];
  const stats = emptyStats();
  const { file } = options;
  a.objects.forEach((o, i) => {
    if (o.difficult && !options.keepDifficult) {
      stats.difficult++;
      return;
    }
    const cls = classIndex.get(o.name);
    if (cls === undefined) {
      stats.unknownClass++;
      issues.push({ level: 'warning', kind: 'unknown-class', file, reason: `object ${i + 1}: class "${o.name}" is not in the class list; dropped` });
      return;
    }
    const box = clipBox(o.bndbox, size);
    if (!box) {
      stats.dropped++;
      const reason = `object ${i + 1} ("${o.name}", ${describeBox(o.bndbox)}) has no area inside the ${size.width}x${size.height} image; dropped`;
      issues.push({ level: 'warning', kind: 'empty-box', file, reason });
      return;
    }
    if (box.clipped) stats.clipped++;
    labels.push(toYolo(cls, box, size));
  });
  return { labels, issues, stats };
}

interface ClippedBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  clipped: boolean;
}

/** The box clipped to [0, width] x [0, height], or undefined when nothing with area is left. */
export function clipBox(b: VocBox, size: { width: number; height: number }): ClippedBox | undefined {
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  const x1 = clamp(b.xmin, size.width);
  const x2 = clamp(b.xmax, size.width);
  const y1 = clamp(b.ymin, size.height);
  const y2 = clamp(b.ymax, size.height);
  if (x2 <= x1 || y2 <= y1) return undefined;
  const clipped = x1 !== b.xmin || x2 !== b.xmax || y1 !== b.ymin || y2 !== b.ymax;
  return { x1, y1, x2, y2, clipped };
}

function toYolo(cls: number, b: ClippedBox, size: { width: number; height: number }): YoloLabel {
  return {
    cls,
    cx: (b.x1 + b.x2) / 2 / size.width,
    cy: (b.y1 + b.y2) / 2 / size.height,
    w: (b.x2 - b.x1) / size.width,
    h: (b.y2 - b.y1) / size.height,
  };
}

function describeBox(b: VocBox): string {
  return `x ${b.xmin}..${b.xmax}, y ${b.ymin}..${b.ymax}`;
}
