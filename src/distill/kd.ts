// The distillation term added to the hard loss in the training loop: output-level KD, feature-level
// CWD on the neck outputs (with learnable 1x1 adapters where the pruned student is narrower), or both.
import { scope, zeros, type Tensor } from '../torch/index.js';
import { Conv2d, ParamStore } from '../torch/nn/index.js';
import type { Yolov5Model } from '../model/build.js';
import type { Batch, ExtraLoss } from '../train/loop.js';
import type { LossHyp } from '../train/loss.js';
import { outputKdLoss, cwdLoss } from './losses.js';
import type { Teacher } from './teacher.js';

export type KdMode = 'output' | 'feature' | 'both';

export interface KdOptions {
  mode: KdMode;
  /** --kd-weight: multiplies the output-level term (default 10) */
  weight: number;
  /** --kd-temperature: CWD's tau, and the class-logit temperature of output KD */
  temperature: number;
  /** weight of the feature-level term */
  featureWeight: number;
  /** the hard loss's scaled gains (box, obj, cls) */
  gains: LossHyp;
}

export interface Distiller extends ExtraLoss {
  /** adapter parameters to train with the student (not saved with it) */
  adapters: ParamStore;
  dispose(): void;
}

function channelsOf(model: Yolov5Model, layers: number[]): number[] {
  const det = model.spec.layers[model.spec.layers.length - 1]!;
  if (det.type !== 'Detect') throw new Error('last layer is not Detect');
  return layers.map((_, k) => det.ch[k]!);
}

export function makeDistiller(teacher: Teacher, student: Yolov5Model, o: KdOptions): Distiller {
  teacher.checkCompatible(student);
  const useOutput = o.mode !== 'feature';
  const useFeature = o.mode !== 'output';
  const layers = useFeature ? teacher.neckLayers : [];
  const studentLayers = useFeature ? student.spec.layers.length - 1 : 0;
  const sLayers = useFeature ? (student.spec.layers[studentLayers]!.from.map((f) => (f < 0 ? studentLayers + f : f))) : [];
  const adapters = new ParamStore();
  const sCh = useFeature ? channelsOf(student, sLayers) : [];
  const tCh = useFeature ? channelsOf(teacher.model, layers) : [];
  const convs = sCh.map((c, k) => (c === tCh[k] ? null : new Conv2d(adapters.root().sub('adapter').sub(k), { inChannels: c, outChannels: tCh[k]!, kernel: 1 })));
  const columns = [...(useOutput ? ['kd/box_loss', 'kd/obj_loss', 'kd/cls_loss'] : []), ...(useFeature ? ['kd/feature_loss'] : [])];
  return {
    columns,
    capture: sLayers,
    adapters,
    parameters: adapters,
    compute(raw: Tensor[], features: Map<number, Tensor>, batch: Batch) {
      const t = teacher.run(batch.images, layers);
      return scope(() => {
        let loss = zeros([1]);
        const parts: number[] = [];
        if (useOutput) {
          const r = outputKdLoss(raw, t.raw, o.gains, student.nc, o.weight, o.temperature);
          loss = loss.add(r.loss);
          parts.push(r.box, r.obj, r.cls);
        }
        if (useFeature) {
          let f = zeros([1]);
          sLayers.forEach((li, k) => {
            const s = features.get(li)!;
            const mapped = convs[k] ? convs[k]!.forward(s) : s;
            f = f.add(cwdLoss(mapped, t.features.get(layers[k]!)!, o.temperature));
          });
          const bs = raw[0]!.size(0);
          const scaled = f.mul(o.featureWeight * bs);
          loss = loss.add(scaled);
          parts.push(scaled.item() / bs);
        }
        return { loss, parts };
      });
    },
    dispose() {
      adapters.dispose();
    },
  };
}
