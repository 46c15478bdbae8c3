// `yolotrim export`: a checkpoint to ONNX (YOLOv5's export.py layout and metadata) over src/export.
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseIntArg } from '../args.js';
import type { ExportFileOptions } from '../../export/export-file.js';

export interface RawExportOptions {
  weights: string;
  format: string;
  img?: string[];
  imgsz?: string[];
  batch: number;
  dynamic?: boolean;
  opset: number;
  out?: string;
  overwrite?: boolean;
}

export const EXPORT_FORMATS = ['onnx'] as const;

/** Pure: commander's options to the exporter's. */
export function exportOptionsFrom(o: RawExportOptions): ExportFileOptions & { img: number[] } {
  if (!(EXPORT_FORMATS as readonly string[]).includes(o.format.toLowerCase())) {
    throw new UsageError(`--format ${o.format} is not supported; formats: ${EXPORT_FORMATS.join(', ')}`);
  }
  if (o.img && o.imgsz) throw new UsageError('give the image size once (--img or --imgsz)');
  const img = (o.img ?? o.imgsz ?? ['640']).map((v) => parseIntArg('--img', 1)(v));
  if (img.length > 2) throw new UsageError(`--img takes one size or two (h w), got ${img.length}`);
  return { weights: o.weights, img, batch: o.batch, dynamic: Boolean(o.dynamic), opset: o.opset, out: o.out, overwrite: Boolean(o.overwrite) };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a model to ONNX (decoded outputs, Conv+BN fused, class names in the metadata)')
    .requiredOption('--weights <file>', 'checkpoint (.pt or .safetensors)')
    .option('--format <format>', `export format: ${EXPORT_FORMATS.join(', ')}`, 'onnx')
    .option('--img <size...>', 'image size h w, or one number for square (default 640)')
    .addOption(new Option('--imgsz <size...>').hideHelp())
    .option('--batch <n>', 'batch size (without --dynamic)', parseIntArg('--batch', 1), 1)
    .option('--dynamic', 'dynamic batch, height and width')
    .option('--opset <n>', 'ONNX opset version', parseIntArg('--opset', 1), 17)
    .option('--out <file>', 'output file (default: the weights name with .onnx, beside the weights)')
    .option('--overwrite', 'replace the output file if it exists')
    .action(async (raw: RawExportOptions) => {
      const opts = exportOptionsFrom(raw);
      const { exportWeightsToOnnx } = await import('../../export/export-file.js');
      const r = await exportWeightsToOnnx(opts);
      const asked = opts.img.length === 1 ? [opts.img[0]!, opts.img[0]!] : opts.img;
      if (!opts.dynamic && (asked[0] !== r.imgSize[0] || asked[1] !== r.imgSize[1])) {
        process.stderr.write(`WARNING --img ${opts.img.join(' ')} must be a multiple of max stride ${r.metadata.stride}, updating to ${r.imgSize.join(' ')}\n`);
      }
      console.log(`ONNX: opset ${r.opset}, input images [${r.inputShape.join(', ')}], output output0 [${r.outputShape.join(', ')}], ${r.names.length} classes, stride ${r.metadata.stride}`);
      console.log(`ONNX: export success, ${r.seconds.toFixed(1)}s, saved as ${r.file} (${mb(r.bytes.length)})`);
    });
}
