// `yolotrim detect`: YOLOv5's detect.py flags and defaults over src/infer/detect.ts.
import type { Command } from 'commander';
import { addInferenceFlags, addRunFlags, type RawInferenceOptions } from '../inference-flags.js';
import { UsageError } from '../errors.js';
import { parseFloatArg, parseIntArg } from '../args.js';
import type { DetectOptions } from '../../infer/detect.js';

/** The options as commander gives them (numbers already parsed, lists as strings). */
export interface RawDetectOptions extends RawInferenceOptions {
  saveTxt?: boolean;
  saveConf?: boolean;
  lineThickness: number;
  hideLabels?: boolean;
  hideConf?: boolean;
}

const toInts = (flag: string, values: readonly string[], min: number): number[] => values.map((v) => parseIntArg(flag, min)(v));

/** Pure: commander's options to runDetect's. */
export function detectOptionsFrom(o: RawDetectOptions): DetectOptions {
  const sizes = [o.img, o.imgsz, o.imgSize].filter((s): s is string[] => s !== undefined);
  if (sizes.length > 1) throw new UsageError('give the image size once (--img, --imgsz or --img-size)');
  const img = toInts('--img', sizes[0] ?? ['640'], 1);
  if (img.length > 2) throw new UsageError(`--img takes one size or two (h w), got ${img.length}`);
  return {
    weights: o.weights,
    source: o.source,
    img,
    confThres: o.confThres,
    iouThres: o.iouThres,
    maxDet: o.maxDet,
    classes: o.classes ? toInts('--classes', o.classes, 0) : null,
    agnosticNms: Boolean(o.agnosticNms),
    saveTxt: Boolean(o.saveTxt),
    saveConf: Boolean(o.saveConf),
    nosave: Boolean(o.nosave),
    project: o.project,
    name: o.name,
    existOk: Boolean(o.existOk),
    device: o.device,
    lineWidth: o.lineThickness,
    hideLabels: Boolean(o.hideLabels),
    hideConf: Boolean(o.hideConf),
  };
}

export function registerDetect(program: Command): void {
  const cmd = program
    .command('detect')
    .description('detect objects in images with a YOLOv5 model and save annotated images and labels')
    .requiredOption('--weights <file>', 'checkpoint (.pt or .safetensors) or ONNX export (.onnx, on ONNX Runtime)')
    .requiredOption('--source <path>', 'image, folder, glob or .txt list of images');
  addRunFlags(addInferenceFlags(cmd), 'runs/detect', 'results')
    .option('--iou-thres <f>', 'NMS IoU threshold', parseFloatArg('--iou-thres', 0, 1), 0.45)
    .option('--classes <id...>', 'keep only these class ids, e.g. --classes 0 2 3')
    .option('--save-txt', 'save results to labels/*.txt')
    .option('--save-conf', 'save confidences in --save-txt labels')
    .option('--nosave', 'do not save annotated images')
    .option('--line-thickness <px>', 'bounding box thickness (pixels)', parseIntArg('--line-thickness', 1), 3)
    .option('--hide-labels', 'hide labels')
    .option('--hide-conf', 'hide confidences')
    .action(async (raw: RawDetectOptions) => {
      const opts = detectOptionsFrom(raw);
      const { runDetect } = await import('../../infer/detect.js');
      await runDetect(opts, { info: (l) => console.log(l), warn: (l) => process.stderr.write(`WARNING ${l}\n`) });
    });
}
