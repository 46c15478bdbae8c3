// `yolotrim val`: YOLOv5's val.py flags and defaults.
import type { Command } from 'commander';
import { parseFloatArg, parseIntArg } from '../args.js';
import { UsageError } from '../errors.js';
import { checkDevice } from '../device.js';

interface ValFlags {
  weights?: string; data?: string; img: number; batchSize: number; confThres: number; iouThres: number; maxDet: number;
  task: string; workers?: number; project: string; name: string; existOk?: boolean; noplots?: boolean; device?: string;
}

export function registerVal(program: Command): void {
  program
    .command('val')
    .description('evaluate a model on a dataset split: P, R, mAP@0.5, mAP@0.5:0.95 (YOLOv5 val.py)')
    .option('--weights <file>', 'checkpoint (.pt or .safetensors) or ONNX export (.onnx, on ONNX Runtime)')
    .option('--data <yaml>', 'dataset yaml')
    .option('--img <px>', 'inference size (pixels)', parseIntArg('--img', 32), 640)
    .option('--batch-size <n>', 'batch size', parseIntArg('--batch-size', 1), 32)
    .option('--conf-thres <x>', 'confidence threshold', parseFloatArg('--conf-thres', 0, 1), 0.001)
    .option('--iou-thres <x>', 'NMS IoU threshold', parseFloatArg('--iou-thres', 0, 1), 0.6)
    .option('--max-det <n>', 'maximum detections per image', parseIntArg('--max-det', 1), 300)
    .option('--task <split>', 'train, val or test', 'val')
    .option('--workers <n>', 'data loader workers', parseIntArg('--workers', 0))
    .option('--project <dir>', 'save to project/name', 'runs/val')
    .option('--name <name>', 'save to project/name', 'exp')
    .option('--exist-ok', 'existing project/name ok, do not increment')
    .option('--noplots', 'save no plots')
    .option('--device <d>', 'cpu', 'cpu')
    .action(async (f: ValFlags) => {
      if (!f.weights) throw new UsageError('--weights is required');
      if (!f.data) throw new UsageError('--data is required');
      if (!['train', 'val', 'test'].includes(f.task)) throw new UsageError(`--task must be train, val or test, got '${f.task}'`);
      await checkDevice(f.device);
      const { val } = await import('../../eval/run-val.js');
      await val({ ...f, weights: f.weights, data: f.data, imgSize: f.img, task: f.task as 'val', existOk: Boolean(f.existOk) });
    });
}
