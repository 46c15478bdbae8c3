// yolotrim's library entry. Importing it loads the libtorch addon.
export * as torch from './torch/index.js';
export { Yolov5Model, type ForwardResult, type ForwardOptions } from './model/build.js';
export { loadCheckpoint, saveCheckpoint, type LoadedCheckpoint } from './model/checkpoint.js';
export { loadModelYaml, specFromYaml } from './model/yaml.js';
export { layerTable, summaryLine, gflops } from './model/summary.js';
export type { ModelSpec, LayerSpec, ConvSpec } from './model/spec.js';
export { prune, type PruneOptions, type PruneResult } from './prune/index.js';
