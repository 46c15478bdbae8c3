// Importing PyTorch checkpoints without Python and without running their code.
export { loadYolov5Pt, type Yolov5Checkpoint, type PtModule } from './load-pt.js';
export { stateDictToTensors } from './to-tensors.js';
export { readTorchArchive, openTorchArchive, materialize, toNumbers, PtImportError, type PtTensor, type TorchArchive } from './torch-archive.js';
export { unpickle, PickleError, type UnpickleOptions } from './pickle.js';
export { resolveAllowed, UnsafeGlobalError } from './allowlist.js';
export { PyGlobal, PyObject, PyStorage, PyTensor, toJson, type Json } from './pyvalues.js';
export { readZip, ZipArchive, ZipError, crc32 } from './zip.js';
