// Yolov5Model: the network built from a ModelSpec over a ParamStore, and its forward pass.
import { Tensor, noGrad, scope, tensor } from '../torch/index.js';
import { ParamStore, type BatchStatsGather } from '../torch/nn/index.js';
import { buildBlock } from './registry.js';
import { Detect, type Block } from './blocks.js';
import { detectLayer, inputIndices, SpecError, type ModelSpec } from './spec.js';

export interface ModelOptions {
  /** BatchNorm folded into the convolutions (inference) */
  fused?: boolean;
  /** data-parallel training with SyncBatchNorm: the process group's statistics gather */
  syncBatchNorm?: BatchStatsGather | null;
}

export interface ForwardOptions {
  /** layer indices whose outputs to return as well (feature distillation, parity tests) */
  capture?: readonly number[];
  /** decode boxes (default: in eval mode) */
  decode?: boolean;
}

export interface ForwardResult {
  /** per level [bs, na, ny, nx, 5 + nc], before sigmoid */
  raw: Tensor[];
  /** [bs, anchors, 5 + nc]: xywh in input pixels, objectness, class probabilities */
  pred: Tensor | null;
  features: Map<number, Tensor>;
}

/** Each layer's stride relative to the input, from the layers themselves (no trial forward pass). */
export function layerStrides(spec: ModelSpec): number[] {
  const strides: number[] = [];
  spec.layers.forEach((l, i) => {
    const ins = inputIndices(l.from, i).map((j) => (j < 0 ? 1 : strides[j]!));
    const s0 = ins[0]!;
    switch (l.type) {
      case 'Conv': strides.push(s0 * l.conv.s); break;
      case 'Focus': strides.push(s0 * 2 * l.conv.s); break;
      case 'Upsample': strides.push(s0 / l.scale); break;
      case 'Concat':
        if (ins.some((s) => s !== s0)) throw new SpecError(`layer ${i}: Concat of inputs with different strides ${ins.join(', ')}`);
        strides.push(s0);
        break;
      case 'Detect': strides.push(Math.max(...ins)); break;
      default: strides.push(s0);
    }
  });
  return strides;
}

export function detectStride(spec: ModelSpec): number[] {
  const strides = layerStrides(spec);
  const det = detectLayer(spec);
  return inputIndices(det.from, spec.layers.length - 1).map((j) => strides[j]!);
}

export class Yolov5Model {
  readonly store: ParamStore;
  readonly blocks: Block[];
  readonly stride: number[];
  readonly detect: Detect;
  private readonly lastUse: number[];

  constructor(readonly spec: ModelSpec, public names: string[], opts: ModelOptions = {}) {
    if (names.length !== spec.nc) throw new SpecError(`${names.length} class names for ${spec.nc} classes`);
    this.store = new ParamStore({ syncBatchNorm: opts.syncBatchNorm });
    this.stride = detectStride(spec);
    const root = this.store.root().sub('model');
    const ctx = { fused: opts.fused ?? false, detectStride: this.stride };
    this.blocks = spec.layers.map((layer, i) => buildBlock(root.sub(i), layer, ctx));
    this.detect = this.blocks[this.blocks.length - 1] as Detect;
    this.lastUse = spec.layers.map(() => -1);
    spec.layers.forEach((l, i) => {
      for (const j of inputIndices(l.from, i)) if (j >= 0) this.lastUse[j] = Math.max(this.lastUse[j]!, i);
    });
  }

  get nc(): number {
    return this.spec.nc;
  }

  get training(): boolean {
    return this.store.training;
  }

  train(on = true): this {
    this.store.train(on);
    return this;
  }

  eval(): this {
    this.store.eval();
    return this;
  }

  forward(x: Tensor, opts: ForwardOptions = {}): ForwardResult {
    const capture = new Set(opts.capture ?? []);
    const outputs: (Tensor | undefined)[] = [];
    const features = new Map<number, Tensor>();
    const last = this.blocks.length - 1;
    for (let i = 0; i < last; i++) {
      const inputs = inputIndices(this.spec.layers[i]!.from, i).map((j) => (j < 0 ? x : outputs[j]!));
      const y = this.blocks[i]!.forward(inputs);
      outputs.push(y);
      if (capture.has(i)) features.set(i, y);
      this.release(outputs, i, capture);
    }
    const detInputs = inputIndices(this.spec.layers[last]!.from, last).map((j) => outputs[j]!);
    const raw = this.detect.raw(detInputs);
    this.release(outputs, last, capture);
    const decode = opts.decode ?? !this.training;
    const pred = decode ? this.detect.decode(raw) : null;
    return { raw, pred, features };
  }

  /** Inference: eval mode, no graph; decoded predictions [bs, anchors, 5 + nc]. */
  predict(x: Tensor): Tensor {
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => scope(() => this.forward(x, { decode: true }).pred!));
    } finally {
      this.train(wasTraining);
    }
  }

  /** YOLOv5's prior for a fresh Detect: objectness ~8 objects per 640 image, class prior 0.6/nc. */
  initDetectBiases(): void {
    noGrad(() => {
      this.detect.m.forEach((conv, i) => {
        const b = conv.bias!.toArray();
        const s = this.stride[i]!;
        for (let a = 0; a < this.detect.na; a++) {
          const o = a * this.detect.no;
          b[o + 4]! += Math.log(8 / (640 / s) ** 2);
          for (let c = 0; c < this.nc; c++) b[o + 5 + c]! += Math.log(0.6 / (this.nc - 0.99999));
        }
        scope(() => conv.bias!.copy_(tensor(Float32Array.from(b))));
      });
    });
  }

  dispose(): void {
    this.detect.clearGrids();
    this.store.dispose();
  }

  private release(outputs: (Tensor | undefined)[], i: number, capture: Set<number>): void {
    // Free this step's inputs that no later layer reads (autograd keeps what backward needs).
    for (const j of inputIndices(this.spec.layers[i]!.from, i)) {
      if (j >= 0 && this.lastUse[j] === i && !capture.has(j)) {
        outputs[j]!.dispose();
        outputs[j] = undefined;
      }
    }
  }
}
