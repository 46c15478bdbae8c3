// yolotrim's library entry. Importing it loads the libtorch addon.
export * as torch from './torch/index.js';
export { Yolov5Model, type ForwardResult, type ForwardOptions } from './model/build.js';
export { loadCheckpoint, saveCheckpoint, type LoadedCheckpoint } from './model/checkpoint.js';
export { loadModelYaml, specFromYaml } from './model/yaml.js';
export { layerTable, summaryLine, gflops } from './model/summary.js';
export type { ModelSpec, LayerSpec, ConvSpec } from './model/spec.js';
export { prune, type PruneOptions, type PruneResult } from './prune/index.js';
export { train, TRAIN_DEFAULTS, type TrainOptions, type TrainResult } from './train/train.js';
export { val, type ValRunOptions } from './eval/run-val.js';
export { distill, type DistillOptions } from './distill/distill.js';
export { predict, Predictor, type PredictOptions, type PredictResult } from './infer/predict.js';
export { autolabel } from './infer/autolabel.js';
export { convertDataset } from './data/convert.js';
export { checkDataset } from './data/check.js';
export { fuseModel } from './model/fuse.js';
export { openEngine, type Engine } from './infer/engines/index.js';
export { exportOnnx } from './export/onnx.js';
export { exportWeightsToOnnx } from './export/export-file.js';
