// Training plots: results.png (every results.csv column over epochs, YOLOv5's small multiples) and
// train_batch<N>.jpg mosaics of the first augmented batches with their boxes.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { plotSmallMultiples } from '../eval/plot-series.js';
import { plotBatch } from '../data/batch-plot.js';
import { ResultsCsv } from './results.js';
import type { Batch } from './loop.js';

export async function plotResults(runDir: string): Promise<string | null> {
  const file = path.join(runDir, 'results.csv');
  if (!existsSync(file)) return null;
  const { columns, rows } = ResultsCsv.read(file);
  const x = rows.map((r) => r[0]!);
  const panels = columns.slice(1).filter((c) => !c.startsWith('x/')).map((title) => {
    const k = columns.indexOf(title);
    return { title, series: [{ x, y: rows.map((r) => r[k]!), label: 'results' }] };
  });
  return plotSmallMultiples(panels, path.join(runDir, 'results.png'), { columns: 5, smooth: true, xLabel: 'epoch' });
}

/** Saves train_batch0..2.jpg from the first batches of the first epoch (called by the loop). */
export async function plotTrainBatch(batch: Batch, index: number, runDir: string, names: string[]): Promise<void> {
  await plotBatch({ images: batch.images, targets: batch.targets, paths: batch.paths }, path.join(runDir, `train_batch${index}.jpg`), { names });
}
