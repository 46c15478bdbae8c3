// The libtorch engine: a Yolov5Model (Conv+BN fused by default, as detect.py runs it) through our
// addon, in eval mode without autograd.
import * as T from '../../torch/index.js';
import type { Yolov5Model } from '../../model/build.js';
import { checkInput, type Engine, type EngineOutput, type InputShape } from './engine.js';

export interface LibtorchEngineOptions {
  /** fold BatchNorm into the convolutions (default true) */
  fuse?: boolean;
  /** set libtorch's intra-op thread count (process-wide) before running; default: leave it */
  threads?: number;
}

export class LibtorchEngine implements Engine {
  readonly kind = 'libtorch' as const;
  readonly inputSize = null;
  readonly batch = null;
  readonly names: string[];
  readonly stride: number;

  /** Wraps a loaded model; with `owns`, dispose() frees it. */
  constructor(readonly model: Yolov5Model, readonly file = '', private readonly owns = false) {
    this.names = [...model.names];
    this.stride = Math.max(...model.stride);
    model.eval();
  }

  /** Loads a checkpoint (.pt or our .safetensors) as an engine. */
  static async open(file: string, opts: LibtorchEngineOptions = {}): Promise<LibtorchEngine> {
    if (opts.threads !== undefined) T.setNumThreads(opts.threads);
    const { loadCheckpoint } = await import('../../model/checkpoint.js');
    const loaded = loadCheckpoint(file);
    for (const t of loaded.extra.values()) t.dispose();
    let model = loaded.model;
    if (opts.fuse ?? true) {
      const { fuseModel } = await import('../../model/fuse.js');
      model = fuseModel(loaded.model);
      loaded.model.dispose();
    }
    return new LibtorchEngine(model, file, true);
  }

  get threads(): number {
    return T.getNumThreads();
  }

  async run(images: Float32Array, shape: InputShape): Promise<EngineOutput> {
    checkInput(this, images, shape);
    let out: EngineOutput | undefined;
    // scope() returns nothing here: it would walk a returned typed array element by element
    T.noGrad(() => T.scope(() => {
      const x = T.tensor(images, { shape });
      const pred = this.model.forward(x, { decode: true }).pred!;
      out = { pred: pred.data() as Float32Array, dims: pred.shape as [number, number, number] };
    }));
    return out!;
  }

  async dispose(): Promise<void> {
    if (this.owns) this.model.dispose();
  }
}
