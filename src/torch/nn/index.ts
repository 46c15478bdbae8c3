export { ParamStore, StorePath, type LoadReport } from './store.js';
export { Conv2d, BatchNorm2d, type Conv2dConfig, type BatchNorm2dConfig } from './layers.js';
export * as init from './init.js';
