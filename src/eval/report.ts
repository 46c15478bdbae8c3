// Reporting of val metrics: YOLOv5's val table (`%22s` + `%11s` columns, numbers as `%11.3g`)
// and `<run>/metrics.json`.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DetectionMetrics } from './metrics.js';

/** Significant digits and decimal exponent of |x|, rounded half-to-even on the double's exact value. */
function significant(a: number, digits: number): { d: string; exp: number } {
  if (a < 1e-7 || a >= 1e21) {
    const [m, e] = a.toExponential(digits - 1).split('e') as [string, string];
    return { d: m.replace('.', ''), exp: Number(e) };
  }
  const exact = a.toFixed(100); // every digit of a double in this range
  const [int, frac] = exact.split('.') as [string, string];
  const all = (int + frac).replace(/0+$/, '');
  const lead = all.search(/[1-9]/);
  const exp = int.length - 1 - lead;
  const body = all.slice(lead);
  let kept = body.slice(0, digits).padEnd(digits, '0');
  const rest = body.slice(digits);
  const tie = /^50*$/.test(rest);
  const up = rest !== '' && (rest[0]! > '5' || (rest[0] === '5' && !tie) || (tie && Number(kept[digits - 1]) % 2 === 1));
  if (!up) return { d: kept, exp };
  const bumped = (BigInt(kept) + 1n).toString();
  if (bumped.length > digits) return { d: bumped.slice(0, digits), exp: exp + 1 };
  kept = bumped.padStart(digits, '0');
  return { d: kept, exp };
}

/** C/Python `%.<precision>g`: fixed or exponent notation by the rounded exponent, trailing zeros removed. */
export function formatG(x: number, precision = 3): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0`;
  const p = Math.max(1, precision);
  const { d, exp } = significant(Math.abs(x), p);
  if (exp < -4 || exp >= p) {
    const m = stripZeros(`${d[0]}.${d.slice(1)}`);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const digits = exp >= 0 ? `${d.slice(0, exp + 1).padEnd(exp + 1, '0')}.${d.slice(exp + 1)}` : `0.${'0'.repeat(-exp - 1)}${d}`;
  return sign + stripZeros(digits);
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** `%<width>s`: right-aligned, never truncated. */
function pad(s: string, width: number): string {
  return s.padStart(width);
}

/** `%<width>i`. */
function padInt(n: number, width: number): string {
  return pad(String(Math.trunc(n)), width);
}

/** The header line: `Class Images Instances P R mAP50 mAP50-95`. */
export function valHeader(): string {
  return pad('Class', 22) + ['Images', 'Instances', 'P', 'R', 'mAP50', 'mAP50-95'].map((s) => pad(s, 11)).join('');
}

/** One row: `%22s%11i%11i%11.3g%11.3g%11.3g%11.3g`. */
export function valRow(name: string, images: number, instances: number, p: number, r: number, map50: number, map: number): string {
  return pad(name, 22) + padInt(images, 11) + padInt(instances, 11) + [p, r, map50, map].map((v) => pad(formatG(v, 3), 11)).join('');
}

export interface ValTableOptions {
  /** Class names by id. */
  names: readonly string[];
  /** Also one row per class present in the ground truth (default as val.py outside training: 1 < nc < 50). */
  perClass?: boolean;
}

/** val.py's table: header, `all`, then one row per class when asked. */
export function formatValTable(m: DetectionMetrics, options: ValTableOptions): string {
  const total = m.instancesPerClass.reduce((a, b) => a + b, 0);
  const lines = [valHeader(), valRow('all', m.images, total, m.precision, m.recall, m.map50, m.map)];
  if (options.perClass ?? (options.names.length > 1 && options.names.length < 50)) {
    for (const c of m.perClass) {
      lines.push(valRow(options.names[c.cls] ?? String(c.cls), m.images, c.instances, c.precision, c.recall, c.map50, c.map));
    }
  }
  return lines.join('\n');
}

/** The content of metrics.json. */
export interface MetricsJson {
  precision: number;
  recall: number;
  map50: number;
  map: number;
  fitness: number;
  per_class: Record<string, { precision: number; recall: number; map50: number; map: number; instances: number }>;
}

/** metrics.json's object: overall numbers and one entry per class present in the ground truth. */
export function metricsJson(m: DetectionMetrics, names: readonly string[]): MetricsJson {
  const perClass: MetricsJson['per_class'] = {};
  for (const c of m.perClass) {
    perClass[names[c.cls] ?? String(c.cls)] = { precision: c.precision, recall: c.recall, map50: c.map50, map: c.map, instances: c.instances };
  }
  return { precision: m.precision, recall: m.recall, map50: m.map50, map: m.map, fitness: m.fitness, per_class: perClass };
}

/** Writes `<runDir>/metrics.json` (creating the folder) and returns its path. */
export async function writeMetricsJson(runDir: string, m: DetectionMetrics, names: readonly string[]): Promise<string> {
  await mkdir(runDir, { recursive: true });
  const file = path.join(runDir, 'metrics.json');
  await writeFile(file, `${JSON.stringify(metricsJson(m, names), null, 2)}\n`);
  return file;
}
