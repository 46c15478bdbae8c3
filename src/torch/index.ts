export { Tensor, type Scalar, type TensorOrScalar } from './tensor.js';
export { TorchError } from './errors.js';
export { DTYPES, type DType, type Device } from './dtype.js';
export { scope, keep, unkeep, dispose } from './scope.js';
export * from './creation.js';
export * as F from './functional.js';
export { cat, stack, where, meshgrid } from './functional.js';
export { noGrad, enableGrad, isGradEnabled } from './grad.js';
export * from './runtime.js';
