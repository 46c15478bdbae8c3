// Exporting a weights file: load the checkpoint, write `<weights name>.onnx` beside it (or --out),
// and never replace a file the user already has unless told to (--overwrite).
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { exportOnnx, OnnxExportError, type OnnxExportOptions, type OnnxExportResult } from './onnx.js';

export interface ExportFileOptions extends OnnxExportOptions {
  weights: string;
  /** output file (default: the weights' name with .onnx, in the weights' folder) */
  out?: string;
  /** replace an existing output file */
  overwrite?: boolean;
}

export interface ExportFileResult extends OnnxExportResult {
  file: string;
  names: string[];
  seconds: number;
}

/** Where the export goes: --out, else the weights file with its extension replaced by .onnx. */
export function exportPath(weights: string, out?: string): string {
  if (out) return out;
  const { dir, name } = path.parse(weights);
  return path.join(dir, `${name}.onnx`);
}

/** Refuses to replace an existing file without `overwrite`, and the weights themselves always. */
export function checkOutput(file: string, weights: string, overwrite: boolean): void {
  if (path.resolve(file) === path.resolve(weights)) throw new OnnxExportError(`the output ${file} is the weights file itself; choose another --out`);
  if (!existsSync(file)) return;
  if (statSync(file).isDirectory()) throw new OnnxExportError(`${file} is a folder; give --out a file name`);
  if (!overwrite) throw new OnnxExportError(`${file} already exists; not replacing it. Pass --overwrite to replace it, or --out to write elsewhere`);
}

/** Loads `weights`, exports it to ONNX and writes the file (atomically: a temp file, then rename). */
export async function exportWeightsToOnnx(o: ExportFileOptions): Promise<ExportFileResult> {
  const t0 = performance.now();
  const file = exportPath(o.weights, o.out);
  checkOutput(file, o.weights, o.overwrite ?? false);
  const { loadCheckpoint } = await import('../model/checkpoint.js');
  const loaded = loadCheckpoint(o.weights);
  for (const t of loaded.extra.values()) t.dispose();
  const model = loaded.model;
  try {
    const result = exportOnnx(model, o);
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, result.bytes);
      checkOutput(file, o.weights, o.overwrite ?? false);
      renameSync(tmp, file);
    } finally {
      rmSync(tmp, { force: true });
    }
    return { ...result, file, names: [...model.names], seconds: (performance.now() - t0) / 1000 };
  } finally {
    model.dispose();
  }
}
