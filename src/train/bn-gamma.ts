// BatchNorm scales under sparsity training (`train --sparsity`): the |gamma| of every BN layer, the
// share that has gone to (almost) zero, and bn_gamma.png, the distribution before and after training
// (the histogram network-slimming users read to choose a pruning ratio for `prune --method bn`).
import path from 'node:path';
import { cat, noGrad, scope } from '../torch/index.js';
import type { Yolov5Model } from '../model/build.js';
import { plotSmallMultiples } from '../eval/plot-series.js';

/** |gamma| of every BatchNorm of the model, concatenated in module order. */
export function bnGammas(model: Yolov5Model): Float32Array {
  const gammas = [...model.store.params].filter(([name]) => name.endsWith('.bn.weight')).map(([, p]) => p);
  if (gammas.length === 0) return new Float32Array(0);
  let out: Float32Array | undefined;
  // scope() returns nothing here: it would walk a returned typed array element by element
  noGrad(() => scope(() => { out = cat(gammas.map((g) => g.abs())).data() as Float32Array; }));
  return out!;
}

/** Fraction of the values below `threshold`. */
export function shareBelow(gammas: Float32Array, threshold: number): number {
  let n = 0;
  for (const g of gammas) if (g < threshold) n++;
  return gammas.length ? n / gammas.length : 0;
}

/** Histogram counts of `values` over `bins` equal bins of [0, max]; returns bin centres and counts. */
export function histogram(values: Float32Array, bins: number, max: number): { centres: number[]; counts: number[] } {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v / max) * bins)))]!++;
  return { centres: counts.map((_, i) => ((i + 0.5) * max) / bins), counts };
}

/** bn_gamma.png: histogram of |gamma| before and after, and the share of channels below each threshold. */
export async function plotBnGammas(before: Float32Array, after: Float32Array, runDir: string): Promise<string> {
  const max = Math.max(...before, ...after, 1e-6);
  const [hb, ha] = [histogram(before, 50, max), histogram(after, 50, max)];
  const thresholds = Array.from({ length: 41 }, (_, i) => (max * i) / 80);
  return plotSmallMultiples([
    { title: 'BN |gamma| histogram (channels)', series: [{ x: hb.centres, y: hb.counts, label: 'start' }, { x: ha.centres, y: ha.counts, label: 'end' }] },
    { title: 'share of channels with |gamma| < x', series: [
      { x: thresholds, y: thresholds.map((t) => shareBelow(before, t)), label: 'start' },
      { x: thresholds, y: thresholds.map((t) => shareBelow(after, t)), label: 'end' },
    ] },
  ], path.join(runDir, 'bn_gamma.png'), { columns: 2, panelWidth: 420, panelHeight: 300, xLabel: '|gamma|' });
}
