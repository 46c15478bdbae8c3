// YOLO label files: one object per line, `cls cx cy w h` (and `conf` when predictions are saved
// with --save-conf), coordinates normalised to the image size. Pure: strings in, strings out.

export interface YoloLabel {
  cls: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
  conf?: number;
}

export interface LabelLineError {
  /** 1-based line number */
  line: number;
  reason: string;
}

/** A line with 6 decimals, as YOLOv5 writes them: `0 0.512000 0.433333 0.250000 0.180000`. */
export function formatLabelLine(l: YoloLabel): string {
  const parts = [String(l.cls), fixed6(l.cx), fixed6(l.cy), fixed6(l.w), fixed6(l.h)];
  if (l.conf !== undefined) parts.push(fixed6(l.conf));
  return parts.join(' ');
}

/** The whole file; an image with no objects gets an empty file (a background image). */
export function formatLabels(labels: readonly YoloLabel[]): string {
  return labels.map((l) => `${formatLabelLine(l)}\n`).join('');
}

function fixed6(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`cannot write ${v} in a label file`);
  return (Math.abs(v) < 5e-7 ? 0 : v).toFixed(6); // never "-0.000000"
}

/** Parses a label file. Blank lines are ignored; a line that cannot be read is an error, not a label. */
export function parseLabels(text: string): { labels: YoloLabel[]; errors: LabelLineError[] } {
  const labels: YoloLabel[] = [];
  const errors: LabelLineError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    if (fields.length !== 5 && fields.length !== 6) {
      errors.push({ line: i + 1, reason: `${fields.length} values, expected 5 (cls cx cy w h) or 6 (with conf)` });
      return;
    }
    const values = fields.map(Number);
    const bad = fields.findIndex((_, k) => !Number.isFinite(values[k]));
    if (bad >= 0) {
      errors.push({ line: i + 1, reason: `"${fields[bad]}" is not a number` });
      return;
    }
    const [cls, cx, cy, w, h, conf] = values as [number, number, number, number, number, number?];
    labels.push(conf === undefined ? { cls, cx, cy, w, h } : { cls, cx, cy, w, h, conf });
  });
  return { labels, errors };
}

/** Slack for boxes that touch the image border after rounding to 6 decimals. */
const EDGE_TOLERANCE = 1e-5;

/**
 * What is wrong with one label. Errors make YOLOv5 reject the image's labels: a class that is not an
 * integer in [0, nc), a value outside [0, 1], a box with no width or height. A warning: the box reaches
 * outside the image (each value is in range, but cx ± w/2 is not); it is clipped when training.
 */
export function labelProblems(l: YoloLabel, nc?: number): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!Number.isInteger(l.cls) || l.cls < 0) errors.push(`class ${l.cls} is not a non-negative integer`);
  else if (nc !== undefined && l.cls >= nc) errors.push(`class ${l.cls} is not below nc ${nc}`);
  const values = { cx: l.cx, cy: l.cy, w: l.w, h: l.h };
  for (const [k, v] of Object.entries(values)) if (v < 0 || v > 1) errors.push(`${k} ${v} is outside [0, 1]`);
  if (l.w <= 0 || l.h <= 0) errors.push(`box has no area (w ${l.w}, h ${l.h})`);
  if (errors.length === 0) {
    const x1 = l.cx - l.w / 2;
    const x2 = l.cx + l.w / 2;
    const y1 = l.cy - l.h / 2;
    const y2 = l.cy + l.h / 2;
    if (Math.min(x1, y1) < -EDGE_TOLERANCE || Math.max(x2, y2) > 1 + EDGE_TOLERANCE) {
      warnings.push(`box reaches outside the image (x ${round4(x1)}..${round4(x2)}, y ${round4(y1)}..${round4(y2)})`);
    }
  }
  return { errors, warnings };
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
