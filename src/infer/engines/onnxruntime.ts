// The ONNX Runtime engine: an exported model (ours or YOLOv5's export.py) on onnxruntime-node's
// CPU provider, with libtorch's intra-op thread count unless told otherwise, so both engines use
// the cores alike. Class names and stride come from the model's metadata_props.
import { openSync, readSync, closeSync, readFileSync } from 'node:fs';
import type { InferenceSession } from 'onnxruntime-node';
import { decodeModelHeader } from '../../export/onnx-proto.js';
import { parseNamesMetadata } from '../../export/py-repr.js';
import { checkInput, EngineError, type Engine, type EngineOutput, type InputShape } from './engine.js';

export interface OrtEngineOptions {
  /** intra-op threads (default: libtorch's current thread count) */
  threads?: number;
  /**
   * let idle intra-op threads spin-wait for work (ONNX Runtime's own default). Off here by default:
   * between two runs this process decodes and letterboxes the next image (sharp) and may run
   * libtorch, and spinning threads would hold the cores they need; a server that only runs the
   * model back to back can turn it on.
   */
  spin?: boolean;
}

type Ort = typeof import('onnxruntime-node');

async function loadOrt(): Promise<Ort> {
  try {
    return await import('onnxruntime-node');
  } catch (e) {
    throw new EngineError(`cannot load onnxruntime-node (needed for .onnx weights): ${(e as Error).message}. ` +
      'Install it with `npm install onnxruntime-node` (offline: add `onnxruntime-node-install=skip` to .npmrc first; the CPU library ships in the package).');
  }
}

async function defaultThreads(): Promise<number> {
  const { getNumThreads } = await import('../../torch/index.js');
  return getNumThreads();
}

/** Names and max stride from an ONNX file's metadata (YOLOv5's `names` and `stride` keys). */
export function readOnnxMetadata(file: string): { names: string[]; stride: number; metadata: Map<string, string> } {
  const { metadata } = decodeModelHeader(readFileSync(file));
  const rawNames = metadata.get('names');
  const rawStride = metadata.get('stride');
  if (rawNames === undefined || rawStride === undefined) {
    throw new EngineError(`${file}: no 'names'/'stride' in the model's metadata; export it with \`yolotrim export\` or YOLOv5's export.py`);
  }
  let names: string[];
  try {
    names = parseNamesMetadata(rawNames);
  } catch (e) {
    throw new EngineError(`${file}: cannot read the class names in its metadata: ${(e as Error).message}`);
  }
  const stride = Number(rawStride.replace(/[[\]()]/g, '').split(',').map(Number).reduce((a, b) => Math.max(a, b), 0));
  if (!Number.isInteger(stride) || stride <= 0) throw new EngineError(`${file}: bad stride '${rawStride}' in its metadata`);
  return { names, stride, metadata };
}

function fixedDims(session: InferenceSession, file: string): { inputSize: [number, number] | null; batch: number | null } {
  const meta = session.inputMetadata[0];
  if (!meta || !meta.isTensor || meta.shape.length !== 4) throw new EngineError(`${file}: expected one image input [n, 3, h, w]`);
  const [n, , h, w] = meta.shape;
  return {
    inputSize: typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0 ? [h, w] : null,
    batch: typeof n === 'number' && n > 0 ? n : null,
  };
}

export class OrtEngine implements Engine {
  readonly kind = 'onnxruntime' as const;

  private constructor(
    readonly file: string,
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly names: string[],
    readonly stride: number,
    readonly threads: number,
    readonly inputSize: [number, number] | null,
    readonly batch: number | null,
  ) {}

  static async open(file: string, opts: OrtEngineOptions = {}): Promise<OrtEngine> {
    const { names, stride } = readOnnxMetadata(file);
    const threads = opts.threads ?? await defaultThreads();
    const ort = await loadOrt();
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, {
        executionProviders: ['cpu'],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        ...(opts.spin !== true ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
      });
    } catch (e) {
      throw new EngineError(`${file}: ONNX Runtime cannot load it: ${(e as Error).message}`);
    }
    const { inputSize, batch } = fixedDims(session, file);
    return new OrtEngine(file, ort, session, names, stride, threads, inputSize, batch);
  }

  async run(images: Float32Array, shape: InputShape): Promise<EngineOutput> {
    checkInput(this, images, shape);
    const input = new this.ort.Tensor('float32', images, [...shape]);
    const out = await this.session.run({ [this.session.inputNames[0]!]: input });
    const y = out[this.session.outputNames[0]!]!;
    if (y.dims.length !== 3 || y.type !== 'float32') throw new EngineError(`${this.file}: expected a float output [n, anchors, 5 + nc], got ${y.type} [${y.dims.join(', ')}]`);
    return { pred: y.data as Float32Array, dims: [...y.dims] as [number, number, number] };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** True when the file starts like an ONNX model (protobuf field 1, ir_version, as a varint). */
export function looksLikeOnnx(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const n = readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x08 && head[1]! > 0 && head[1]! < 0x80;
  } finally {
    closeSync(fd);
  }
}
