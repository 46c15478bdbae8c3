// `yolotrim label`: auto-label images as Pascal VOC xml with a YOLOv5 model (src/infer/autolabel.ts).
import type { Command } from 'commander';
import { addInferenceFlags, addRunFlags, type RawInferenceOptions } from '../inference-flags.js';
import cliProgress from 'cli-progress';
import { UsageError } from '../errors.js';
import { parseFloatArg, parseIntArg } from '../args.js';
import type { AutolabelOptions, Shard } from '../../infer/autolabel.js';

/** The options as commander gives them (numbers already parsed, lists as strings). */
export interface RawLabelOptions extends RawInferenceOptions {
  out: string;
  overwrite?: boolean;
  merge?: boolean;
  shard?: string;
}

/** `i/n` with 0 <= i < n. */
export function parseShard(raw: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || count < 1 || index >= count) throw new UsageError(`--shard expects i/n with 0 <= i < n (e.g. 0/4), got '${raw}'`);
  return { index, count };
}

/** Pure: commander's options to autolabel's. */
export function labelOptionsFrom(o: RawLabelOptions): AutolabelOptions {
  const sizes = [o.img, o.imgsz, o.imgSize].filter((s): s is string[] => s !== undefined);
  if (sizes.length > 1) throw new UsageError('give the image size once (--img, --imgsz or --img-size)');
  const img = (sizes[0] ?? ['640']).map((v) => parseIntArg('--img', 1)(v));
  if (img.length > 2) throw new UsageError(`--img takes one size or two (h w), got ${img.length}`);
  if (o.overwrite && o.merge) throw new UsageError('give --overwrite or --merge, not both');
  // --classes 0 2, --classes person bus, or --classes person,bus: ids stay numbers, names stay names
  const classes = o.classes?.flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean).map((c) => (/^\d+$/.test(c) ? Number(c) : c));
  return {
    weights: o.weights,
    source: o.source,
    out: o.out,
    img,
    confThres: o.confThres,
    iouThres: o.iouThres,
    maxDet: o.maxDet,
    classes: classes && classes.length > 0 ? classes : null,
    agnosticNms: Boolean(o.agnosticNms),
    overwrite: Boolean(o.overwrite),
    merge: Boolean(o.merge),
    shard: o.shard === undefined ? undefined : parseShard(o.shard),
    nosave: Boolean(o.nosave),
    project: o.project,
    name: o.name,
    existOk: Boolean(o.existOk),
    device: o.device,
  };
}

/** A progress bar on stderr when it is a terminal. */
function progressBar(): { onProgress?: AutolabelOptions['onProgress']; stop(): void } {
  if (!process.stderr.isTTY) return { stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'labelling [{bar}] {value}/{total} {eta_formatted}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: ({ done, total }) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

export function registerLabel(program: Command): void {
  const cmd = program
    .command('label')
    .description('auto-label images with a YOLOv5 model: one Pascal VOC xml per image, with previews in runs/label/exp')
    .requiredOption('--weights <file>', 'checkpoint (.pt or .safetensors) or ONNX export (.onnx, on ONNX Runtime)')
    .requiredOption('--source <path>', 'image, folder, glob or .txt list of images');
  addRunFlags(addInferenceFlags(cmd), 'runs/label', 'previews')
    .option('--out <dir>', 'folder for the xml files', 'Annotations')
    .option('--classes <id-or-name...>', 'keep only these classes, by id or name, e.g. --classes 0 2 or --classes person bus')
    .option('--iou-thres <f>', 'NMS IoU threshold (with --merge, also: a new box overlapping a kept one of its class more than this is left out)', parseFloatArg('--iou-thres', 0, 1), 0.45)
    .option('--overwrite', 'replace existing xml files')
    .option('--merge', 'add new detections to existing xml files, keeping every object they have')
    .option('--shard <i/n>', 'label only images k with k mod n = i (sorted order), to share a folder across processes')
    .option('--nosave', 'do not save preview images')
    .action(async (raw: RawLabelOptions) => {
      const opts = labelOptionsFrom(raw);
      const { autolabel, formatAutolabelSummary } = await import('../../infer/autolabel.js');
      const bar = progressBar();
      try {
        const summary = await autolabel({ ...opts, onProgress: bar.onProgress });
        bar.stop(); // before the summary, so it is not drawn over
        process.stdout.write(`${formatAutolabelSummary(summary).join('\n')}\n`);
      } finally {
        bar.stop();
      }
    });
}
