// The data side of a training run: the train and val splits of a data yaml, their loaders (train:
// augmented and shuffled; val: rectangular, pad 0.5, twice the batch), AutoAnchor on the train
// labels, per-epoch validation of the EMA model, and the final validation of `best` with plots.
import path from 'node:path';
import { loadSplitOf } from '../data/dataset.js';
import sharp from 'sharp';
import { createLoader, type Loader } from '../data/loader.js';
import { threadBudget } from '../data/threads.js';
import { autoCacheMode, type CacheMode } from '../data/image-source.js';
import { setNumThreads } from '../torch/index.js';
import type { LoadedDataset } from '../data/dataset.js';
import type { Yolov5Model } from '../model/build.js';
import { loadCheckpoint } from '../model/checkpoint.js';
import { evaluate } from '../eval/val.js';
import { formatValTable, writeMetricsJson } from '../eval/report.js';
import { plotValCurves, plotConfusionMatrix } from '../eval/plots.js';
import { readDataYaml } from '../data/formats/data-yaml.js';
import type { ComputeLoss } from './loss.js';
import type { ValResult } from './loop.js';
import type { Hyp } from './hyp.js';
import { anchorMetric, evolveAnchors, labelSizes } from './autoanchor.js';
import { mulberry32 } from '../data/rng.js';
import { anchorsOf, setAnchorsPx } from './anchors.js';
import { epochProgress, header } from './progress.js';

export interface TrainData {
  names: string[];
  train: LoadedDataset;
  trainLoader: Loader;
  validate(computeLoss: ComputeLoss): (model: Yolov5Model) => Promise<ValResult>;
  validateBest(best: string, runDir: string): Promise<ValResult>;
  progress: (epoch: number, i: number, n: number, losses: number[], instances: number, size: number) => void;
  close(): Promise<void>;
}

interface DataOptions {
  data: string;
  imgSize: number;
  batchSize: number;
  rect: boolean;
  seed: number;
  /** undefined: automatic (RAM when the set is small) */
  cache?: 'ram' | 'disk' | 'none';
  workers?: number;
  epochs: number;
  noplots: boolean;
  /** data-parallel training: this process's share of each epoch (batchSize is then per process) */
  shard?: { rank: number; world: number };
  /** false: no validation loader (data-parallel ranks other than 0); default true */
  validation?: boolean;
}

/** --cache ram|disk as asked, none when asked, else RAM for sets that fit easily (autoCacheMode). */
function chooseCache(asked: DataOptions['cache'], shapes: [number, number][], imgSize: number, log: (s: string) => void): CacheMode | false {
  if (asked === 'ram' || asked === 'disk') return asked;
  if (asked === 'none') return false;
  const auto = autoCacheMode(shapes, imgSize);
  if (auto.mode) log(`caching ${shapes.length} images in RAM (${(auto.bytes / 2 ** 20).toFixed(0)} MB at ${imgSize} px): decoded once instead of every epoch; --cache none turns this off`);
  return auto.mode;
}

function describe(split: string, ds: LoadedDataset, log: (s: string) => void): void {
  const c = ds.counts;
  log(`${split}: ${c.kept} images, ${c.labels} labels, ${c.missingLabels + c.emptyLabels} backgrounds, ${c.skipped} corrupt`);
  for (const issue of ds.issues.filter((i) => i.level === 'error').slice(0, 20)) log(`${split}: WARNING ${issue.file}: ${issue.reason}`);
}

export async function openTrainData(o: DataOptions, hyp: Hyp, log: (s: string) => void): Promise<TrainData> {
  const data = await readDataYaml(o.data);
  const train = await loadSplitOf(data, 'train');
  const val = await loadSplitOf(data, 'val');
  describe('train', train, log);
  describe('val', val, log);
  const budget = threadBudget(undefined, o.workers);
  const { workers, torchThreads } = budget;
  setNumThreads(torchThreads);
  sharp.concurrency(budget.sharpConcurrency);
  log(`threads: ${workers} data loader worker(s), ${torchThreads} libtorch thread(s)`);
  const cache = chooseCache(o.cache, [...train.shapes, ...(o.validation === false ? [] : val.shapes)], o.imgSize, log);
  const trainLoader = await createLoader({ dataset: train, imgSize: o.imgSize, batchSize: o.batchSize, augment: true, hyp: hyp as unknown as Record<string, unknown>,
    rect: o.rect, shuffle: !o.rect, seed: o.seed, cache, workers, shard: o.shard });
  const valLoader = o.validation === false ? null : await createLoader({ dataset: val, imgSize: o.imgSize, batchSize: o.batchSize * 2, augment: false, rect: true, pad: 0.5,
    seed: o.seed, cache, workers });
  const needVal = (): Loader => {
    if (!valLoader) throw new Error('validation runs on rank 0 only (this process opened no validation loader)');
    return valLoader;
  };
  const bar = epochProgress(o.epochs, log);
  let printedHeader = false;
  const asResult = (r: Awaited<ReturnType<typeof evaluate>>): ValResult => ({
    precision: r.metrics.precision, recall: r.metrics.recall, map50: r.metrics.map50, map: r.metrics.map, losses: r.losses,
  });
  return {
    names: data.names,
    train,
    trainLoader,
    validate: (computeLoss) => async (model) => {
      bar.stop();
      const r = await evaluate(model, needVal(), { computeLoss });
      log(`${''.padStart(22)}all ${String(r.metrics.images).padStart(10)} ${String(r.metrics.instancesPerClass.reduce((a, b) => a + b, 0)).padStart(10)}` +
        `  P ${r.metrics.precision.toFixed(3)}  R ${r.metrics.recall.toFixed(3)}  mAP50 ${r.metrics.map50.toFixed(3)}  mAP50-95 ${r.metrics.map.toFixed(3)}`);
      return asResult(r);
    },
    async validateBest(best, runDir) {
      const { model } = loadCheckpoint(best);
      try {
        const r = await evaluate(model, needVal(), {});
        log(`\nValidating ${best}...`);
        log(formatValTable(r.metrics, { names: data.names }));
        await writeMetricsJson(runDir, r.metrics, data.names);
        if (!o.noplots && r.metrics.curves) {
          await plotValCurves(r.metrics.curves, data.names, runDir);
          await plotConfusionMatrix(r.confusion, data.names, path.join(runDir, 'confusion_matrix.png'));
        }
        return asResult(r);
      } finally {
        model.dispose();
      }
    },
    progress: (epoch, i, n, losses, instances, size) => {
      if (!printedHeader) {
        log(header(losses.length > 3 ? losses.slice(3).map((_, k) => `kd${k}`) : []));
        printedHeader = true;
      }
      bar.update(epoch, i, n, losses, instances, size);
    },
    async close() {
      bar.stop();
      await trainLoader.close();
      await valLoader?.close();
    },
  };
}

/** check_anchors: BPR of the current anchors on the train labels; evolve new ones below 0.98. */
export function checkAnchors(model: Yolov5Model, ds: LoadedDataset, imgSize: number, thr: number, log: (s: string) => void): void {
  const rand = mulberry32(0);
  const labels = ds.labels.map((l) => Array.from({ length: l.length / 5 }, (_, k) => [l[k * 5 + 3]!, l[k * 5 + 4]!]));
  const wh = labelSizes(ds.shapes.map(([h, w]) => [w, h] as [number, number]), labels, imgSize, rand);
  const current = anchorsOf(model).flatMap((level, l) => level.map(([w, h]) => [w! * model.stride[l]!, h! * model.stride[l]!]));
  const m = anchorMetric(wh, current, thr);
  const prefix = 'AutoAnchor: ';
  if (m.bpr > 0.98) {
    log(`${prefix}${m.anchorsPerTarget.toFixed(2)} anchors/target, ${m.bpr.toFixed(3)} Best Possible Recall (BPR). Current anchors are a good fit to dataset`);
    return;
  }
  log(`${prefix}${m.anchorsPerTarget.toFixed(2)} anchors/target, ${m.bpr.toFixed(3)} Best Possible Recall (BPR). Anchors are a poor fit to dataset, attempting to improve...`);
  const evolved = evolveAnchors(wh, current.length, thr);
  const better = anchorMetric(wh, evolved, thr);
  if (better.bpr > m.bpr) {
    setAnchorsPx(model, evolved);
    log(`${prefix}Done (new BPR ${better.bpr.toFixed(4)}): anchors updated in the model`);
  } else log(`${prefix}Done (no better anchors found, original anchors kept)`);
}
