// `yolotrim info`: the runtime (libtorch, threads, devices) with a tensor smoke test; with --cfg or
// --weights, YOLOv5's layer table and summary line (layers, parameters, gradients, GFLOPs at 640).
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseIntArg } from '../args.js';

export interface InfoOptions {
  cfg?: string;
  weights?: string;
  nc?: number;
}

async function runtime(): Promise<void> {
  const T = await import('../../torch/index.js');
  const info = T.runtimeInfo();
  const sum = T.scope(() => {
    const x = T.arange(0, 12, 1, { dtype: 'float32' }).reshape(3, 4);
    return x.matmul(x.transpose(0, 1)).sum().item();
  });
  console.log(`libtorch ${info.libtorch}, ${info.threads} threads, CUDA devices: ${info.cudaDevices}`);
  console.log(`tensor smoke test: sum(X Xᵀ) for X = arange(12).view(3, 4) = ${sum} (expected 1134): ${sum === 1134 ? 'ok' : 'WRONG'}`);
  if (sum !== 1134) throw new Error('tensor smoke test failed');
}

async function modelInfo(o: InfoOptions): Promise<void> {
  const { Yolov5Model } = await import('../../model/build.js');
  const { layerTable, formatTable, summaryLine } = await import('../../model/summary.js');
  let model;
  if (o.weights) {
    const { loadCheckpoint } = await import('../../model/checkpoint.js');
    model = loadCheckpoint(o.weights).model;
  } else {
    const { loadModelYaml, specFromYaml } = await import('../../model/yaml.js');
    const spec = specFromYaml(loadModelYaml(o.cfg!), { nc: o.nc });
    model = new Yolov5Model(spec, Array.from({ length: spec.nc }, (_, i) => `class${i}`));
  }
  try {
    console.log(formatTable(layerTable(model)));
    console.log(summaryLine(model));
  } finally {
    model.dispose();
  }
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the libtorch runtime; with --cfg or --weights, the model\'s layer table and size')
    .option('--cfg <yaml>', 'model yaml (a file, or yolov5n/s/m/l/x.yaml)')
    .option('--weights <file>', 'checkpoint (.pt or .safetensors)')
    .option('--nc <n>', 'number of classes (with --cfg)', parseIntArg('--nc', 1))
    .action(async (o: InfoOptions) => {
      if (o.cfg && o.weights) throw new UsageError('give --cfg or --weights, not both');
      if (o.nc !== undefined && !o.cfg) throw new UsageError('--nc goes with --cfg');
      if (o.cfg || o.weights) await modelInfo(o);
      else await runtime();
    });
}
