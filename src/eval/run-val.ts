// val(): YOLOv5's val.py as a library call: a checkpoint on a split of a data yaml, the metrics
// table, metrics.json and plots in runs/val/exp.
import path from 'node:path';
import { loadCheckpoint } from '../model/checkpoint.js';
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

export async function val(o: ValRunOptions): Promise<ValOutput & { runDir: string }> {
  const log = o.log ?? ((s: string) => console.log(s));
  const { model } = loadCheckpoint(o.weights);
  try {
    const ds = await loadSplit(o.data, o.task);
    if (ds.names.length !== model.nc) {
      log(`WARNING ${o.weights} has ${model.nc} classes but ${o.data} lists ${ds.names.length}: class ids are compared as they are`);
    }
    const stride = Math.max(...model.stride, 32);
    const loader = await createLoader({ dataset: ds, imgSize: o.imgSize, batchSize: o.batchSize, augment: false, rect: true, pad: 0.5, stride, workers: o.workers });
    const runDir = makeRunDir({ project: o.project, name: o.name, existOk: o.existOk });
    let r: ValOutput;
    try {
      r = await evaluate(model, loader, { confThres: o.confThres, iouThres: o.iouThres, maxDet: o.maxDet });
    } finally {
      await loader.close();
    }
    const names = ds.names.length === model.nc ? ds.names : model.names;
    log(formatValTable(r.metrics, { names }));
    const s = r.speed;
    log(`Speed: ${s.pre.toFixed(1)}ms pre-process, ${s.inference.toFixed(1)}ms inference, ${s.nms.toFixed(1)}ms NMS per image at shape (${o.batchSize}, 3, ${o.imgSize}, ${o.imgSize})`);
    await writeMetricsJson(runDir, r.metrics, names);
    if (!o.noplots && r.metrics.curves) {
      await plotValCurves(r.metrics.curves, names, runDir);
      await plotConfusionMatrix(r.confusion, names, path.join(runDir, 'confusion_matrix.png'));
    }
    log(`Results saved to ${runDir}`);
    return { ...r, runDir };
  } finally {
    model.dispose();
  }
}
