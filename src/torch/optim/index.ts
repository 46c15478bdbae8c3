export { Optimizer, type NamedParam, type ParamGroup, type GroupOptions, type OptimizerState } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
