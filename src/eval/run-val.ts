// val(): YOLOv5's val.py as a library call: a checkpoint (or an ONNX export, on ONNX Runtime) on a
// split of a data yaml, the metrics table, metrics.json and plots in runs/val/exp.
import path from 'node:path';
import { loadCheckpoint } from '../model/checkpoint.js';
import { Yolov5Model } from '../model/build.js';
import { engineKindFor, openEngine, EngineError, type Engine } from '../infer/engines/index.js';
import { loadSplit } from '../data/dataset.js';
import { createLoader } from '../data/loader.js';
import type { SplitName } from '../data/formats/data-yaml.js';
import { makeRunDir } from '../infer/run-dir.js';
import { evaluate, type ValOutput } from './val.js';
import { formatValTable, writeMetricsJson } from './report.js';
import { plotConfusionMatrix, plotValCurves } from './plots.js';

export interface ValRunOptions {
  weights: string;
  data: string;
  imgSize: number;
  batchSize: number;
  confThres: number;
  iouThres: number;
  maxDet: number;
  task: SplitName;
  workers?: number;
  project: string;
  name: string;
  existOk: boolean;
  noplots?: boolean;
  log?: (s: string) => void;
}

/** The model to validate: a checkpoint as a Yolov5Model (unfused, as training validates), an ONNX export on ONNX Runtime. */
async function openForVal(weights: string): Promise<{ model: Yolov5Model | Engine; nc: number; names: string[]; stride: number; dispose: () => Promise<void> }> {
  if (engineKindFor(weights) === 'onnxruntime') {
    const engine = await openEngine(weights);
    return { model: engine, nc: engine.names.length, names: engine.names, stride: engine.stride, dispose: () => engine.dispose() };
  }
  const { model } = loadCheckpoint(weights);
  return { model, nc: model.nc, names: model.names, stride: Math.max(...model.stride), dispose: async () => model.dispose() };
}

export async function val(o: ValRunOptions): Promise<ValOutput & { runDir: string }> {
  const log = o.log ?? ((s: string) => console.log(s));
  const opened = await openForVal(o.weights);
  const { model, nc } = opened;
  try {
    const ds = await loadSplit(o.data, o.task);
    if (ds.names.length !== nc) {
      log(`WARNING ${o.weights} has ${nc} classes but ${o.data} lists ${ds.names.length}: class ids are compared as they are`);
    }
    let { imgSize, batchSize } = o;
    let rect = true;
    if (!(model instanceof Yolov5Model) && (model.inputSize || model.batch !== null)) {
      // an export with fixed sizes: square letterboxing at its size, its batch (val.py does the same for exports)
      if (model.inputSize) {
        if (model.inputSize[0] !== model.inputSize[1]) throw new EngineError(`${o.weights} was exported for ${model.inputSize.join('x')} images; val needs a square or a --dynamic export`);
        imgSize = model.inputSize[0];
        rect = false;
      }
      batchSize = model.batch ?? batchSize;
      log(`${o.weights} has fixed input sizes: validating at batch ${batchSize}, ${rect ? 'rectangular' : 'square'} ${imgSize}`);
    }
    const stride = Math.max(opened.stride, 32);
    const loader = await createLoader({ dataset: ds, imgSize, batchSize, augment: false, rect, pad: rect ? 0.5 : 0, stride, workers: o.workers });
    const runDir = makeRunDir({ project: o.project, name: o.name, existOk: o.existOk });
    let r: ValOutput;
    try {
      r = await evaluate(model, loader, { confThres: o.confThres, iouThres: o.iouThres, maxDet: o.maxDet });
    } finally {
      await loader.close();
    }
    const names = ds.names.length === nc ? ds.names : opened.names;
    log(formatValTable(r.metrics, { names }));
    const s = r.speed;
    log(`Speed: ${s.pre.toFixed(1)}ms pre-process, ${s.inference.toFixed(1)}ms inference, ${s.nms.toFixed(1)}ms NMS per image at shape (${batchSize}, 3, ${imgSize}, ${imgSize})`);
    await writeMetricsJson(runDir, r.metrics, names);
    if (!o.noplots && r.metrics.curves) {
      await plotValCurves(r.metrics.curves, names, runDir);
      await plotConfusionMatrix(r.confusion, names, path.join(runDir, 'confusion_matrix.png'));
    }
    log(`Results saved to ${runDir}`);
    return { ...r, runDir };
  } finally {
    await opened.dispose();
  }
}
