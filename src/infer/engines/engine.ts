// The inference-engine abstraction: one network forward pass, from a float NCHW batch to YOLOv5's
// decoded predictions [N, anchors, 5 + nc], whatever runs it (libtorch, ONNX Runtime). Pre-process,
// NMS and box scaling stay outside, shared by every engine.

export type EngineKind = 'libtorch' | 'onnxruntime';

/** An NCHW input shape [n, 3, h, w]. */
export type InputShape = readonly [number, number, number, number];

export interface EngineOutput {
  /** decoded predictions, row-major [n, anchors, 5 + nc]: xywh in input pixels, objectness, class scores */
  pred: Float32Array;
  dims: [number, number, number];
}

export interface Engine {
  readonly kind: EngineKind;
  /** the weights file it was opened from ('' for a model passed in) */
  readonly file: string;
  /** [h, w] the model was exported for, or null when any multiple of `stride` works */
  readonly inputSize: [number, number] | null;
  /** the batch size the model was exported for, or null when any works */
  readonly batch: number | null;
  readonly names: string[];
  /** the largest stride (input sizes must be multiples of it) */
  readonly stride: number;
  /** intra-op threads it runs with */
  readonly threads: number;
  /** One forward pass over `images` (NCHW float32, RGB in [0, 1]). */
  run(images: Float32Array, shape: InputShape): Promise<EngineOutput>;
  /** Frees the model (native memory); the engine is unusable after. */
  dispose(): Promise<void>;
}

export class EngineError extends Error {
  override name = 'EngineError';
}

/** Checks an input against the engine's fixed sizes, with messages a user can act on. */
export function checkInput(e: Pick<Engine, 'file' | 'inputSize' | 'batch' | 'stride'>, images: Float32Array, shape: InputShape): void {
  const [n, c, h, w] = shape;
  if (shape.length !== 4 || c !== 3 || [n, h, w].some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new EngineError(`expected an input [n, 3, h, w], got [${shape.join(', ')}]`);
  }
  if (images.length !== n * c * h * w) throw new EngineError(`${images.length} values for an input [${shape.join(', ')}]`);
  const what = e.file || 'the model';
  if (e.inputSize && (e.inputSize[0] !== h || e.inputSize[1] !== w)) {
    throw new EngineError(`${what} takes ${e.inputSize[0]}x${e.inputSize[1]} images only (exported without --dynamic), got ${h}x${w}: use --img ${e.inputSize[0] === e.inputSize[1] ? e.inputSize[0] : e.inputSize.join(' ')} or export again with --dynamic`);
  }
  if (e.batch !== null && e.batch !== n) {
    throw new EngineError(`${what} takes batches of ${e.batch} only (exported without --dynamic), got ${n}: export again with --batch ${n} or --dynamic`);
  }
  if (!e.inputSize && (h % e.stride !== 0 || w % e.stride !== 0)) {
    throw new EngineError(`input ${h}x${w} is not a multiple of the model's stride ${e.stride}`);
  }
}
