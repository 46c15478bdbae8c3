// The teacher: a trained model loaded WITH its weights from its checkpoint (the original tool built
// the teacher and never loaded them), always in eval mode, without gradients, outputs detached.
import { noGrad, type Tensor } from '../torch/index.js';
import { loadCheckpoint } from '../model/checkpoint.js';
import type { Yolov5Model } from '../model/build.js';
import { detectLayer, inputIndices } from '../model/spec.js';

export class DistillError extends Error {
  override name = 'DataError';
}

export class Teacher {
  constructor(readonly model: Yolov5Model, readonly source = 'teacher') {
    for (const p of model.store.params.values()) p.requiresGrad_(false);
    model.eval();
  }

  static load(file: string): Teacher {
    const ck = loadCheckpoint(file);
    for (const t of ck.extra.values()) t.dispose();
    return new Teacher(ck.model, file);
  }

  /** The layers feeding Detect (the neck outputs), whose features feature-level KD matches. */
  get neckLayers(): number[] {
    const spec = this.model.spec;
    return inputIndices(detectLayer(spec).from, spec.layers.length - 1);
  }

  /** Teacher and student must predict the same thing the same way. */
  checkCompatible(student: Yolov5Model): void {
    const t = this.model;
    const problems: string[] = [];
    if (t.nc !== student.nc) problems.push(`classes: teacher ${t.nc}, student ${student.nc}`);
    if (t.stride.join() !== student.stride.join()) problems.push(`strides: teacher [${t.stride}], student [${student.stride}]`);
    const ta = t.detect.anchors.toArray();
    const sa = student.detect.anchors.toArray();
    if (ta.length !== sa.length || ta.some((v, i) => Math.abs(v - sa[i]!) > 1e-4)) problems.push('anchors differ');
    if (t.names.join('\u0000') !== student.names.join('\u0000')) problems.push(`class names: teacher [${t.names.join(', ')}], student [${student.names.join(', ')}]`);
    if (problems.length) throw new DistillError(`${this.source}: teacher and student do not match: ${problems.join('; ')}`);
  }

  /** Raw outputs per level and the captured layer outputs, with no graph. */
  run(images: Tensor, capture: readonly number[] = []): { raw: Tensor[]; features: Map<number, Tensor> } {
    this.model.eval();
    return noGrad(() => {
      const out = this.model.forward(images, { capture, decode: false });
      return { raw: out.raw, features: out.features };
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}
