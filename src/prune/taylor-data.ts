// Gradients for `--method taylor` from a data yaml: the YOLOv5 loss on a few batches of the train
// split (no augmentation), accumulated per conv weight. BatchNorm stays in eval mode so the running
// statistics saved with the pruned model are the checkpoint's own.
import { loadSplit } from '../data/dataset.js';
import { createLoader } from '../data/loader.js';
import type { Yolov5Model } from '../model/build.js';
import { noGrad, type Tensor } from '../torch/index.js';
import { ComputeLoss, scaleLossHyp } from '../train/loss.js';
import { loadHyp } from '../train/hyp.js';
import { anchorsOf } from '../train/anchors.js';
import { taylorGradients } from './importance.js';
import { PruneError } from './index.js';

export interface TaylorData {
  /** data yaml whose train split gives the batches */
  data: string;
  /** batches to accumulate gradients over (default 8) */
  batches?: number;
  batchSize?: number;
  imgSize?: number;
}

export async function taylorGradientsOnData(model: Yolov5Model, o: TaylorData, log: (line: string) => void): Promise<Map<string, Tensor>> {
  const dataset = await loadSplit(o.data, 'train');
  if (dataset.names.length !== model.nc) {
    throw new PruneError(`${o.data} has ${dataset.names.length} classes but the model has ${model.nc}: taylor scores need the model's own data`);
  }
  const imgSize = o.imgSize ?? 640;
  const loader = await createLoader({ dataset, imgSize, batchSize: o.batchSize ?? 8, augment: false, rect: false, shuffle: true, seed: 0, stride: Math.max(...model.stride, 32) });
  const wanted = Math.min(o.batches ?? 8, loader.length);
  log(`taylor: gradients of the YOLOv5 loss over ${wanted} batches of ${o.data} (train split, ${imgSize} px)`);
  const computeLoss = new ComputeLoss(scaleLossHyp(loadHyp(), model.stride.length, model.nc, imgSize), model.nc, anchorsOf(model));
  const wasTraining = model.training;
  model.eval();
  // one batch in memory at a time: per-batch gradients summed, as backward() would accumulate them
  let total: Map<string, Tensor> | null = null;
  let done = 0;
  try {
    for await (const b of loader.epoch(0)) {
      try {
        const g = taylorGradients(model, (m) => computeLoss.compute(m.forward(b.images).raw, b.targets).loss, 1);
        if (!total) total = g;
        else noGrad(() => { for (const [name, t] of g) { total!.get(name)!.add_(t); t.dispose(); } });
      } finally {
        b.images.dispose();
      }
      if (++done === wanted) break;
    }
  } finally {
    model.train(wasTraining);
    await loader.close();
  }
  return total ?? new Map();
}
