// `yolotrim prune`: prune convolution channels of a YOLOv5 model (src/prune/) and save a checkpoint
// that every other command loads as it is. Sparsity training (`--sparsity`) belongs to `train`.
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseFloatArg, parseIntArg } from '../args.js';
import type { PruneRunOptions } from '../../prune/run.js';

/** The options as commander gives them. */
export interface RawPruneOptions {
  weights?: string;
  cfg?: string;
  nc?: number;
  layers?: string[];
  exclude?: string[];
  deep?: boolean;
  ratio?: number;
  method: 'l1' | 'l2' | 'bn' | 'random' | 'taylor';
  scope: 'local' | 'global';
  maxRatio?: number;
  roundTo?: number;
  targetFlops?: number;
  seed: number;
  dryRun?: boolean;
  replay?: string;
  data?: string;
  taylorBatches: number;
  batchSize: number;
  img: number;
  latencyRuns: number;
  project: string;
  name: string;
  existOk?: boolean;
}

function checkCombination(o: RawPruneOptions): void {
  if (!o.weights && !o.cfg) throw new UsageError('give --weights (a checkpoint), --cfg (a fresh model), or both');
  if (o.nc !== undefined && !o.cfg) throw new UsageError('--nc goes with --cfg');
  if (o.replay) {
    if (o.layers || o.ratio !== undefined || o.targetFlops !== undefined) throw new UsageError('--replay re-applies a history: no --layers, --ratio or --target-flops with it');
    return;
  }
  if (!o.layers) throw new UsageError('give --layers (e.g. --layers 0-9, model.4.cv1.conv, model.*.cv2.conv)');
  if (o.method === 'taylor' && !o.data) throw new UsageError('--method taylor scores filters by the loss gradients on your data: give --data data.yaml');
  if (o.data && o.method !== 'taylor') throw new UsageError('--data is only used by --method taylor');
  if (o.scope === 'local' && (o.targetFlops !== undefined || o.maxRatio !== undefined)) {
    throw new UsageError('--target-flops and --max-ratio go with --scope global');
  }
  if (o.ratio === undefined && o.targetFlops === undefined) throw new UsageError('give --ratio (or --target-flops with --scope global)');
}

/** Pure: commander's options to runPrune's. */
export function pruneOptionsFrom(o: RawPruneOptions): PruneRunOptions {
  checkCombination(o);
  return {
    source: { weights: o.weights, cfg: o.cfg, nc: o.nc },
    prune: {
      layers: o.layers,
      exclude: o.exclude,
      deep: Boolean(o.deep),
      ratio: o.ratio,
      method: o.method,
      scope: o.scope,
      maxRatio: o.maxRatio,
      roundTo: o.roundTo,
      targetFlops: o.targetFlops,
      seed: o.seed,
      dryRun: Boolean(o.dryRun),
      latency: o.latencyRuns > 0 ? { img: o.img, runs: o.latencyRuns } : undefined,
    },
    replay: o.replay,
    taylor: o.data ? { data: o.data, batches: o.taylorBatches, batchSize: o.batchSize, imgSize: o.img } : undefined,
    project: o.project,
    name: o.name,
    existOk: Boolean(o.existOk),
  };
}

export function registerPrune(program: Command): void {
  program
    .command('prune')
    .description('prune convolution channels and save a smaller checkpoint (loads anywhere without a yaml)')
    .option('--weights <file>', 'checkpoint (.pt or .safetensors); with --cfg, plain weights for that yaml')
    .option('--cfg <yaml>', 'model yaml (a file, or yolov5n/s/m/l/x.yaml); alone: a freshly initialised model')
    .option('--nc <n>', 'number of classes (with --cfg)', parseIntArg('--nc', 1))
    .option('--layers <sel...>', 'what to prune: indices/ranges (0-9), names (model.4.cv1.conv), globs (model.*.cv2.conv)')
    .option('--exclude <sel...>', 'leave these out of --layers (same syntax)')
    .option('--deep', 'block indices also select the bottleneck convolutions inside C3')
    .option('--ratio <f>', 'local: fraction of each selected conv\'s filters; global: of all selected channels', parseFloatArg('--ratio', 0, 0.999999))
    .addOption(new Option('--method <name>', 'importance criterion').choices(['l1', 'l2', 'bn', 'random', 'taylor']).default('l1'))
    .addOption(new Option('--scope <scope>', 'local: each conv by its own ranking; global: one ranking').choices(['local', 'global']).default('local'))
    .option('--max-ratio <f>', 'global: at most this fraction of one layer (default 0.9)', parseFloatArg('--max-ratio', 0.000001, 0.999999))
    .option('--round-to <n>', 'keep a multiple of N channels in each pruned layer (default 1)', parseIntArg('--round-to', 1))
    .option('--target-flops <f>', 'global: prune until GFLOPs <= F x the original', parseFloatArg('--target-flops', 0.000001, 1))
    .option('--seed <n>', 'seed of --method random', parseIntArg('--seed', 0), 0)
    .option('--dry-run', 'print what would be pruned and the resulting size; save nothing')
    .option('--replay <history.json>', 're-apply a pruning history exactly')
    .option('--data <yaml>', '--method taylor: data yaml whose train split gives the gradient batches')
    .option('--taylor-batches <n>', '--method taylor: batches to accumulate gradients over', parseIntArg('--taylor-batches', 1), 8)
    .option('--batch-size <n>', '--method taylor: images per batch', parseIntArg('--batch-size', 1), 8)
    .option('--img <size>', 'image size of the latency measurement (and of the taylor batches)', parseIntArg('--img', 32), 640)
    .option('--latency-runs <n>', 'timed forward passes before and after (0: skip)', parseIntArg('--latency-runs', 0), 3)
    .option('--project <dir>', 'save to project/name', 'runs/prune')
    .option('--name <name>', 'save to project/name', 'exp')
    .option('--exist-ok', 'reuse project/name when it exists')
    .action(async (raw: RawPruneOptions) => {
      const opts = pruneOptionsFrom(raw);
      const { runPrune } = await import('../../prune/run.js');
      (await runPrune(opts)).result.model?.dispose();
    });
}
