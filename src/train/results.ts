// results.csv with YOLOv5's columns and number format ('%20s,' headers, '%20.5g,' values), so
// YOLOv5's own plotting and users' scripts read it unchanged. Extra columns (distillation) append.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BASE_COLUMNS = [
  'train/box_loss', 'train/obj_loss', 'train/cls_loss',
  'metrics/precision', 'metrics/recall', 'metrics/mAP_0.5', 'metrics/mAP_0.5:0.95',
  'val/box_loss', 'val/obj_loss', 'val/cls_loss',
  'x/lr0', 'x/lr1', 'x/lr2',
] as const;

/** Python's '%.<p>g'. */
export function formatG(v: number, precision = 5): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(precision)))));
  if (exp < -4 || exp >= precision) {
    const [m, e] = v.toExponential(precision - 1).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = v.toFixed(Math.max(0, precision - 1 - exp));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

export class ResultsCsv {
  constructor(readonly file: string, readonly columns: readonly string[]) {}

  append(epoch: number, values: readonly number[]): void {
    if (values.length !== this.columns.length) throw new Error(`results.csv: ${values.length} values for ${this.columns.length} columns`);
    const header = existsSync(this.file) ? '' : `${['epoch', ...this.columns].map((c) => c.padStart(20)).join(',')}\n`;
    const row = [epoch, ...values].map((v) => formatG(v).padStart(20)).join(',');
    appendFileSync(this.file, `${header}${row}\n`);
  }

  /** Keeps only the rows of epochs before `epoch` (resume after a crash mid-epoch). */
  truncateTo(epoch: number): void {
    if (!existsSync(this.file)) return;
    const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
    const kept = lines.filter((l, i) => i === 0 || Number(l.split(',')[0]) < epoch);
    writeFileSync(this.file, `${kept.join('\n')}\n`);
  }

  static read(file: string): { columns: string[]; rows: number[][] } {
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const columns = lines[0]!.split(',').map((c) => c.trim());
    return { columns, rows: lines.slice(1).map((l) => l.split(',').map((v) => Number(v.trim()))) };
  }
}
