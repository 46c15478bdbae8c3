export { ParamStore, StorePath, type LoadReport, type ParamStoreOptions, type BatchStatsGather } from './store.js';
export { Conv2d, BatchNorm2d, type Conv2dConfig, type BatchNorm2dConfig } from './layers.js';
export { syncBatchNorm } from './sync-batchnorm.js';
export * as init from './init.js';
