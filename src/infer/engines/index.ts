// openEngine: the engine for a weights file, by extension, else by its first bytes: .onnx on ONNX
// Runtime; .pt (YOLOv5) and .safetensors (ours) on libtorch.
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import path from 'node:path';
import { EngineError, type Engine } from './engine.js';
import { LibtorchEngine } from './libtorch.js';
import { OrtEngine, looksLikeOnnx } from './onnxruntime.js';

export { EngineError, checkInput, type Engine, type EngineKind, type EngineOutput, type InputShape } from './engine.js';
export { LibtorchEngine, type LibtorchEngineOptions } from './libtorch.js';
export { OrtEngine, readOnnxMetadata, type OrtEngineOptions } from './onnxruntime.js';

export interface OpenEngineOptions {
  /** intra-op threads for either engine (libtorch: set process-wide; default: libtorch's current count) */
  threads?: number;
  /** libtorch engine: fold BatchNorm into the convolutions (default true) */
  fuse?: boolean;
}

function isCheckpoint(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(9);
    const n = readSync(fd, head, 0, 9, 0);
    return (n >= 2 && head[0] === 0x50 && head[1] === 0x4b) || (n === 9 && head[8] === 0x7b);
  } finally {
    closeSync(fd);
  }
}

/** Which engine runs a weights file. */
export function engineKindFor(file: string): 'libtorch' | 'onnxruntime' {
  if (!existsSync(file)) throw new EngineError(`${file}: no such file`);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.onnx') return 'onnxruntime';
  if (ext === '.pt' || ext === '.pth' || ext === '.safetensors') return 'libtorch';
  if (isCheckpoint(file)) return 'libtorch';
  if (looksLikeOnnx(file)) return 'onnxruntime';
  throw new EngineError(`${file}: not a model this tool runs (expected a YOLOv5 .pt, a yolotrim .safetensors or an .onnx export)`);
}

/** Opens a weights file on the engine that runs it; dispose() it when done. */
export async function openEngine(weights: string, opts: OpenEngineOptions = {}): Promise<Engine> {
  if (engineKindFor(weights) === 'onnxruntime') return OrtEngine.open(weights, { threads: opts.threads });
  return LibtorchEngine.open(weights, opts);
}
