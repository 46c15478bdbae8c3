// results.csv with YOLOv5's columns and number format ('%20s,' headers, '%20.5g,' values), so
// YOLOv5's own plotting and users' scripts read it unchanged. Extra columns (distillation) append.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatG as pyFormatG } from '../eval/report.js';

export const BASE_COLUMNS = [
  'train/box_loss', 'train/obj_loss', 'train/cls_loss',
  'metrics/precision', 'metrics/recall', 'metrics/mAP_0.5', 'metrics/mAP_0.5:0.95',
  'val/box_loss', 'val/obj_loss', 'val/cls_loss',
  'x/lr0', 'x/lr1', 'x/lr2',
] as const;

/** Python's '%.5g' (YOLOv5 writes results.csv with it). */
export function formatG(v: number, precision = 5): string {
  return pyFormatG(v, precision);
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
