// The globals a PyTorch / YOLOv5 checkpoint may name, and what each becomes. Nothing here runs
// code from the file: functions are our own small builders of inert data (tensors, dicts, sets),
// classes become inert PyObject records, the rest are constants (storage types, dtypes). Every
// other global — os.system, builtins.eval, subprocess.*, builtins.getattr, ... — is refused.
import { PyGlobal, PyObject, PyStorage, PyTensor } from './pyvalues.js';
import type { DType } from '../../torch/dtype.js';

export class UnsafeGlobalError extends Error {
  override name = 'UnsafeGlobalError';
  constructor(readonly global: string) {
    super(`refusing to load the global '${global}': it is not in the allowlist of inert PyTorch/YOLOv5 types ` +
      '(a pickle naming it could run code when loaded by Python)');
  }
}

export class AllowlistError extends Error {
  override name = 'AllowlistError';
}

const STORAGE_DTYPES: Record<string, DType> = {
  HalfStorage: 'float16', FloatStorage: 'float32', DoubleStorage: 'float64', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ByteStorage: 'uint8', BoolStorage: 'bool',
};

/** The element type of a storage-type global (torch.HalfStorage → float16), or undefined. */
export function storageDType(g: unknown): DType | undefined {
  return g instanceof PyGlobal && g.module === 'torch' ? STORAGE_DTYPES[g.name] : undefined;
}

const TORCH_DTYPES = new Set(['float16', 'half', 'float32', 'float', 'float64', 'double', 'bfloat16', 'int64', 'long',
  'int32', 'int', 'int16', 'short', 'int8', 'uint8', 'bool', 'complex64', 'complex128']);

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function intList(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every(isInt)) throw new AllowlistError(`${what} must be a tuple of integers`);
  return v as number[];
}

/** torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, metadata]) */
function rebuildTensor(args: unknown[]): PyTensor {
  const [storage, offset, size, stride, requiresGrad] = args;
  if (!(storage instanceof PyStorage)) throw new AllowlistError('_rebuild_tensor: the first argument is not a storage');
  if (!isInt(offset) || offset < 0) throw new AllowlistError('_rebuild_tensor: bad storage offset');
  const shape = intList(size, '_rebuild_tensor size');
  const strides = intList(stride, '_rebuild_tensor stride');
  if (shape.length !== strides.length || shape.some((d) => d < 0) || strides.some((s) => s < 0)) {
    throw new AllowlistError(`_rebuild_tensor: size [${shape}] and stride [${strides}] do not match`);
  }
  const numel = shape.reduce((a, b) => a * b, 1);
  const last = offset + shape.reduce((acc, d, i) => acc + (d - 1) * strides[i]!, 0);
  if (numel > 0 && last >= storage.numel) {
    throw new AllowlistError(`_rebuild_tensor: a view [${shape}] at offset ${offset} reaches element ${last} of a storage of ${storage.numel}`);
  }
  return new PyTensor(storage, offset, shape, strides, requiresGrad === true);
}

/** torch._utils._rebuild_parameter(data, requires_grad, hooks) and _rebuild_parameter_with_state(..., state). */
function rebuildParameter(args: unknown[]): PyTensor {
  const [t, requiresGrad] = args;
  if (!(t instanceof PyTensor)) throw new AllowlistError('_rebuild_parameter: the data is not a tensor');
  return new PyTensor(t.storage, t.offset, t.shape, t.stride, requiresGrad === true, true);
}

/** torch._tensor._rebuild_from_type_v2(func, new_type, args, state): func must itself be allowed. */
function rebuildFromType(args: unknown[]): unknown {
  const [func, , inner] = args;
  if (!(func instanceof PyGlobal) || !func.call || !Array.isArray(inner)) {
    throw new AllowlistError('_rebuild_from_type_v2: the rebuild function is not an allowed one');
  }
  return func.call(inner);
}

function orderedDict(args: unknown[]): Map<unknown, unknown> {
  const d = new Map<unknown, unknown>();
  const items = args[0];
  if (items === undefined) return d;
  if (items instanceof Map) return new Map(items);
  if (!Array.isArray(items)) throw new AllowlistError('OrderedDict(...) of something that is not a list of pairs');
  for (const pair of items) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new AllowlistError('OrderedDict(...) item is not a pair');
    d.set(pair[0], pair[1]);
  }
  return d;
}

function makeSet(args: unknown[]): Set<unknown> {
  const items = args[0];
  if (items === undefined) return new Set();
  if (Array.isArray(items) || items instanceof Set) return new Set(items);
  throw new AllowlistError('set(...) of something that is not a list');
}

/** _codecs.encode(str, 'latin1'): how protocol 2 pickles bytes from Python 3. */
function encode(args: unknown[]): Uint8Array {
  const [s, enc] = args;
  if (typeof s !== 'string') throw new AllowlistError('_codecs.encode of a non-string');
  const e = typeof enc === 'string' ? enc.toLowerCase().replace('_', '-') : 'utf-8';
  if (e === 'latin1' || e === 'latin-1' || e === 'iso-8859-1') return Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff);
  if (e === 'utf-8' || e === 'utf8') return new TextEncoder().encode(s);
  throw new AllowlistError(`_codecs.encode with encoding '${String(enc)}' is not supported`);
}

/** builtins.bytes(...) / bytearray(...): empty, a copy of bytes, a list of byte values, or (str, encoding). */
function makeBytes(args: unknown[]): Uint8Array {
  const [x] = args;
  if (x === undefined) return new Uint8Array(0);
  if (x instanceof Uint8Array) return new Uint8Array(x);
  if (typeof x === 'string') return encode(args);
  if (Array.isArray(x) && x.every((b) => isInt(b) && b >= 0 && b < 256)) return Uint8Array.from(x as number[]);
  throw new AllowlistError('bytes(...) of something that is not bytes, a string or a list of byte values');
}

/** copyreg._reconstructor(cls, base, state): an instance of an allowed class (protocols 0 and 1). */
function reconstructor(args: unknown[]): PyObject {
  const [cls] = args;
  if (!(cls instanceof PyGlobal) || cls.kind !== 'class') throw new AllowlistError('copyreg._reconstructor of a class that is not allowed');
  return new PyObject(cls.qualname);
}

const FUNCTIONS: Record<string, (args: unknown[]) => unknown> = {
  'torch._utils._rebuild_tensor_v2': rebuildTensor,
  'torch._utils._rebuild_tensor': rebuildTensor,
  'torch._utils._rebuild_parameter': rebuildParameter,
  'torch._utils._rebuild_parameter_with_state': rebuildParameter,
  'torch._tensor._rebuild_from_type_v2': rebuildFromType,
  'collections.OrderedDict': orderedDict,
  'builtins.set': makeSet,
  'builtins.frozenset': makeSet,
  'torch.Size': (args) => [...intList(args[0], 'torch.Size')],
  '_codecs.encode': encode,
  'builtins.bytes': makeBytes,
  'builtins.bytearray': makeBytes,
  'copyreg._reconstructor': reconstructor,
};

/** Classes kept as inert records, by exact name. */
const CLASSES = new Set([
  'torch.nn.parameter.Parameter', 'torch.Tensor', 'torch.device', 'argparse.Namespace',
  'pathlib.Path', 'pathlib.PosixPath', 'pathlib.WindowsPath', 'pathlib.PurePosixPath', 'pathlib.PureWindowsPath',
  'numpy.ndarray', 'numpy.dtype', 'numpy.core.multiarray._reconstruct', 'numpy.core.multiarray.scalar',
  'numpy._core.multiarray._reconstruct', 'numpy._core.multiarray.scalar',
]);

/** Modules whose every (plain) name is a class kept as an inert record. */
const CLASS_MODULES = [/^torch\.nn\.modules(\.\w+)*$/, /^models\.(yolo|common|experimental)$/];

const RENAMED: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

/** Resolves a pickle GLOBAL through the allowlist, or throws UnsafeGlobalError naming it. */
export function resolveAllowed(moduleName: string, name: string): PyGlobal {
  const module = RENAMED[moduleName] ?? moduleName;
  const qualname = `${module}.${name}`;
  const fn = FUNCTIONS[qualname];
  if (fn) return new PyGlobal(module, name, 'function', fn);
  const plainName = /^[A-Za-z_]\w*$/.test(name);
  if (CLASSES.has(qualname) || (plainName && CLASS_MODULES.some((re) => re.test(module)))) return new PyGlobal(module, name, 'class');
  if (module === 'torch' && (/^\w*Storage$/.test(name) || TORCH_DTYPES.has(name))) return new PyGlobal(module, name, 'constant');
  throw new UnsafeGlobalError(`${moduleName}.${name}`);
}
