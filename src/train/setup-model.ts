// The model a training run starts from: a checkpoint (transfer of every fitting tensor, a new
// class count re-initialising only Detect's outputs), a yaml (fresh, with YOLOv5's Detect bias
// prior), or both (--cfg architecture, --weights values). Freezing by layer index.
import { loadCheckpoint } from '../model/checkpoint.js';
import { Yolov5Model, type ModelOptions } from '../model/build.js';
import { loadModelYaml, specFromYaml } from '../model/yaml.js';
import { withClassCount, type ModelSpec } from '../model/spec.js';
import { transferWeights } from './transfer.js';

export interface ModelSetup {
  model: Yolov5Model;
  transferred?: { transferred: number; total: number; from: string };
}

export function setupModel(o: { weights?: string; cfg?: string }, names: string[], log: (s: string) => void, modelOptions: ModelOptions = {}): ModelSetup {
  const nc = names.length;
  if (!o.weights) {
    if (!o.cfg) throw new Error('give --weights or --cfg');
    const model = new Yolov5Model(specFromYaml(loadModelYaml(o.cfg), { nc }), names, modelOptions);
    model.initDetectBiases();
    return { model };
  }
  const ck = loadCheckpoint(o.weights);
  let spec: ModelSpec = o.cfg ? specFromYaml(loadModelYaml(o.cfg), { nc }) : ck.model.spec;
  if (spec.nc !== nc) spec = withClassCount(spec, nc);
  const model = new Yolov5Model(spec, names, modelOptions);
  model.initDetectBiases();
  // YOLOv5 keeps the yaml's anchors when --cfg is given (exclude 'anchor'), else the checkpoint's.
  const report = transferWeights(model.store, ck.model.store.stateDict(), o.cfg ? ['anchor'] : []);
  ck.model.dispose();
  for (const t of ck.extra.values()) t.dispose();
  log(`Transferred ${report.transferred}/${report.total} items from ${o.weights}`);
  return { model, transferred: { ...report, from: o.weights } };
}

/** --freeze: layer indices whose parameters get no gradient (YOLOv5: `--freeze 10` = the backbone). */
export function freezeLayers(model: Yolov5Model, freeze: readonly number[]): number {
  const layers = freeze.length === 1 ? Array.from({ length: freeze[0]! }, (_, i) => i) : [...freeze];
  let frozen = 0;
  for (const [name, p] of model.store.params) {
    const idx = Number(name.split('.')[1]);
    if (layers.includes(idx)) {
      p.requiresGrad_(false);
      frozen++;
    }
  }
  return frozen;
}
