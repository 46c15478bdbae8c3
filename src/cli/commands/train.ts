// `yolotrim train`: YOLOv5's train.py flags and defaults; the work is in src/train/train.ts.
import type { Command } from 'commander';
import { parseFloatArg, parseIntArg } from '../args.js';
import { UsageError } from '../errors.js';
import { checkDevice } from '../device.js';
import type { TrainOptions } from '../../train/train.js';
import { addDistFlags, checkBatchSplit, commandLine, runDataParallel, type DistFlags } from '../distributed.js';

export interface TrainFlags extends DistFlags {
  weights?: string; cfg?: string; data?: string; hyp?: string; epochs: number; batchSize: number; img: number;
  optimizer: string; cosLr?: boolean; labelSmoothing: number; patience: number; freeze: number[]; seed: number;
  workers?: number; cache?: string | boolean; rect?: boolean; noval?: boolean; nosave?: boolean; noautoanchor?: boolean;
  noplots?: boolean; sparsity?: number; project: string; name: string; existOk?: boolean; resume?: string | boolean; device?: string;
}

/** Flags -> TrainOptions (pure; tested). */
export function trainOptionsFromFlags(f: TrainFlags): Omit<TrainOptions, 'log' | 'signal' | 'extraLoss' | 'group'> {
  if (!f.resume && !f.data) throw new UsageError('--data is required (a YOLOv5 data yaml, e.g. dataset/data.yaml from `yolotrim dataset convert`)');
  if (!f.resume && !f.weights && !f.cfg) throw new UsageError("give --weights (a .pt or .safetensors to start from) or --cfg (a model yaml to train from scratch); --weights '' with --cfg trains from scratch");
  if (!['SGD', 'Adam', 'AdamW'].includes(f.optimizer)) throw new UsageError(`--optimizer must be SGD, Adam or AdamW, got '${f.optimizer}'`);
  const cache = f.cache === true ? 'ram' : f.cache === false || f.cache === undefined ? undefined : f.cache;
  if (cache !== undefined && cache !== 'ram' && cache !== 'disk' && cache !== 'none') throw new UsageError(`--cache must be ram, disk or none, got '${cache}'`);
  if (typeof f.resume === 'boolean' && f.resume) throw new UsageError('--resume needs the path of a last.safetensors checkpoint');
  return {
    weights: f.weights || undefined, cfg: f.cfg || undefined, data: f.data ?? '', hyp: f.hyp, epochs: f.epochs, batchSize: f.batchSize,
    imgSize: f.img, optimizer: f.optimizer as TrainOptions['optimizer'], cosLr: Boolean(f.cosLr), labelSmoothing: f.labelSmoothing,
    patience: f.patience, freeze: f.freeze, seed: f.seed, workers: f.workers, cache, rect: Boolean(f.rect), noval: Boolean(f.noval),
    nosave: Boolean(f.nosave), noautoanchor: Boolean(f.noautoanchor), noplots: Boolean(f.noplots), project: f.project, name: f.name,
    existOk: Boolean(f.existOk), sparsity: f.sparsity, resume: typeof f.resume === 'string' ? f.resume : undefined, syncBn: Boolean(f.syncBn),
  };
}

export function addTrainFlags(cmd: Command, project = 'runs/train'): Command {
  const int = (flag: string, min = 0) => parseIntArg(flag, min);
  return addDistFlags(cmd)
    .option('--weights <file>', "initial weights (.pt or .safetensors); '' with --cfg trains from scratch")
    .option('--cfg <yaml>', 'model yaml (a file or yolov5n/s/m/l/x.yaml)')
    .option('--data <yaml>', 'dataset yaml (train, val, nc, names)')
    .option('--hyp <yaml>', 'hyperparameters yaml (default hyp.scratch-low.yaml)')
    .option('--epochs <n>', 'total training epochs', int('--epochs', 1), 100)
    .option('--batch-size <n>', 'images per batch', int('--batch-size', 1), 16)
    .option('--img <px>', 'train and val image size (pixels)', int('--img', 32), 640)
    .option('--optimizer <name>', 'SGD, Adam or AdamW', 'SGD')
    .option('--cos-lr', 'cosine learning-rate schedule')
    .option('--label-smoothing <eps>', 'label smoothing epsilon', parseFloatArg('--label-smoothing', 0, 1), 0)
    .option('--patience <n>', 'early stopping patience (epochs without improvement)', int('--patience', 0), 100)
    .option('--freeze <n...>', 'freeze layers: backbone=10, first3=0 1 2', (v: string, prev: number[] | undefined) => [...(prev ?? []), int('--freeze')(v)])
    .option('--seed <n>', 'global training seed', int('--seed'), 0)
    .option('--workers <n>', 'data loader worker threads (default: cores - 1)', int('--workers'))
    .option('--cache [where]', 'cache images in "ram" (the default when the flag is given) or "disk", or "none"; without the flag, sets under 1 GB (resized) are cached in RAM')
    .option('--rect', 'rectangular training')
    .option('--noval', 'only validate the final epoch')
    .option('--nosave', 'only save the final checkpoint')
    .option('--noautoanchor', 'disable AutoAnchor')
    .option('--noplots', 'save no plot files')
    .option('--project <dir>', 'save to project/name', project)
    .option('--name <name>', 'save to project/name', 'exp')
    .option('--exist-ok', 'existing project/name ok, do not increment')
    .option('--resume [last]', 'resume an interrupted run from its last.safetensors')
    .option('--sparsity <s>', 'network slimming: L1 on BatchNorm gammas (e.g. 1e-4), then prune --method bn', parseFloatArg('--sparsity', 0))
    .option('--device <d>', 'cpu (CUDA: see the README)', 'cpu');
}

export function registerTrain(program: Command): void {
  addTrainFlags(program.command('train').description('train a YOLOv5 model on a dataset (YOLOv5 train.py flags)'))
    .action(async (f: TrainFlags, cmd: Command) => {
      await checkDevice(f.device);
      const options = trainOptionsFromFlags({ ...f, freeze: f.freeze ?? [0] });
      // --resume: the batch size comes from the checkpoint, and train() checks it
      const checkWorld = (world: number) => { if (!f.resume) checkBatchSplit(f.batchSize, world); };
      await runDataParallel(f, commandLine(cmd), checkWorld, async (group) => {
        const { train } = await import('../../train/train.js');
        await train({ ...options, group });
      });
    });
}
