// The Tensor class: a handle into the addon's tensor table plus the typed methods over its ops.
import { native as N } from './native.js';
import { TorchError } from './errors.js';
import { track, type Disposable } from './scope.js';
import { DTYPES, viewAs, type AnyTypedArray, type DType, type Device } from './dtype.js';
import { checkDim, checkDims, checkInt, checkScalar, checkShape } from './check.js';

export type Scalar = number;
export type TensorOrScalar = Tensor | Scalar;

/** Throws a TorchError for a failed native call (handle < 0) and wraps a good handle. */
export function wrap(op: string, h: number, inputs: readonly Tensor[] = []): Tensor {
  if (h < 0) throw fail(op, inputs);
  return new Tensor(h);
}

export function wrapMany(op: string, hs: number[] | null, inputs: readonly Tensor[] = []): Tensor[] {
  if (hs === null) throw fail(op, inputs);
  return hs.map((h) => new Tensor(h));
}

export function checkOk(op: string, ok: boolean, inputs: readonly Tensor[] = []): void {
  if (!ok) throw fail(op, inputs);
}

export function fail(op: string, inputs: readonly Tensor[]): TorchError {
  const described = inputs.map((t) => (t.isDisposed ? { shape: [], dtype: 'disposed' } : { shape: t.shape, dtype: t.dtype }));
  return new TorchError(op, described, N.lastError() as string);
}

export class Tensor implements Disposable {
  /** @internal handle into the addon's table; -1 once disposed */
  h: number;
  kept = false;
  #meta: { dtype: DType; device: Device; shape: number[] } | undefined;

  constructor(handle: number) {
    this.h = handle;
    track(this);
  }

  // ---- metadata and lifetime -------------------------------------------------------------
  get handle(): number {
    if (this.h < 0) throw new TorchError('use', [], 'tensor used after dispose()');
    return this.h;
  }
  get isDisposed(): boolean { return this.h < 0; }
  dispose(): void {
    if (this.h >= 0) N.release(this.h);
    this.h = -1;
  }
  private meta() {
    if (!this.#meta) {
      const m = N.meta(this.handle) as [number, string, ...number[]];
      this.#meta = { dtype: DTYPES[m[0]]!, device: m[1] as Device, shape: m.slice(2) as number[] };
    }
    return this.#meta;
  }
  get shape(): number[] { return this.meta().shape.slice(); }
  get dtype(): DType { return this.meta().dtype; }
  get device(): Device { return this.meta().device; }
  get ndim(): number { return this.meta().shape.length; }
  get numel(): number { return this.meta().shape.reduce((a, b) => a * b, 1); }
  size(dim: number): number {
    const s = this.meta().shape;
    return s[dim < 0 ? s.length + dim : dim]!;
  }
  isContiguous(): boolean { return N.isContiguous(this.handle) as boolean; }
  toString(): string { return this.isDisposed ? 'Tensor(disposed)' : `Tensor([${this.shape.join(', ')}], ${this.dtype}, ${this.device})`; }

  // ---- data out ------------------------------------------------------------------------
  /** A copy of the elements (row-major) as the dtype's typed array; float16 comes as raw Uint16Array. */
  data(): AnyTypedArray {
    const buf = N.toBuffer(this.handle) as ArrayBuffer | undefined;
    if (buf === undefined) throw fail('data', [this]);
    return viewAs(this.dtype, buf);
  }
  /** The elements as plain numbers (float16/bfloat16 converted through float32). */
  toArray(): number[] {
    if (this.dtype === 'float16' || this.dtype === 'bfloat16') {
      const f = this.to('float32');
      try { return f.toArray(); } finally { f.dispose(); }
    }
    const d = this.data();
    return d instanceof BigInt64Array ? Array.from(d, Number) : Array.from(d as ArrayLike<number>);
  }
  item(): number {
    const v = N.item(this.handle) as number | undefined;
    if (v === undefined) throw fail('item', [this]);
    return v;
  }

  // ---- conversion ------------------------------------------------------------------------
  to(target: DType | Device): Tensor {
    if ((DTYPES as readonly string[]).includes(target)) return this.un('toDtype', N.toDtype(this.handle, DTYPES.indexOf(target as DType)));
    return this.un('toDevice', N.toDevice(this.handle, target));
  }
  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  half(): Tensor { return this.to('float16'); }
  long(): Tensor { return this.to('int64'); }
  int(): Tensor { return this.to('int32'); }
  bool(): Tensor { return this.to('bool'); }
  clone(): Tensor { return this.un('clone', N.clone(this.handle)); }
  detach(): Tensor { return this.un('detach', N.detach(this.handle)); }
  contiguous(): Tensor { return this.un('contiguous', N.contiguous(this.handle)); }

  // ---- autograd ----------------------------------------------------------------------------
  get requiresGrad(): boolean { return N.requiresGrad(this.handle) as boolean; }
  requiresGrad_(on = true): this { checkOk('requiresGrad_', N.setRequiresGrad(this.handle, on), [this]); return this; }
  get isLeaf(): boolean { return N.isLeaf(this.handle) as boolean; }
  /** A new reference to .grad (dispose it, or let a scope do so), or null when there is none. */
  get grad(): Tensor | null {
    const h = N.grad(this.handle) as number | null | undefined;
    if (h === undefined) throw fail('grad', [this]);
    return h === null ? null : new Tensor(h);
  }
  setGrad(g: Tensor | null): void { checkOk('setGrad', N.setGrad(this.handle, g ? g.handle : -1), [this]); }
  zeroGrad(): void { this.setGrad(null); }
  backward(gradient?: Tensor, opts: { retainGraph?: boolean } = {}): void {
    checkOk('backward', N.backward(this.handle, gradient ? gradient.handle : -1, opts.retainGraph ?? false), [this]);
  }

  // ---- arithmetic (tensor or scalar operand, broadcasting) ----------------------------------
  add(o: TensorOrScalar, alpha = 1): Tensor {
    if (typeof o === 'number') return this.un('add', N.addScalar(this.handle, checkScalar('add', o * alpha)));
    return this.bin('add', o, N.add(this.handle, o.handle, checkScalar('add', alpha)));
  }
  sub(o: TensorOrScalar, alpha = 1): Tensor {
    if (typeof o === 'number') return this.un('sub', N.subScalar(this.handle, checkScalar('sub', o * alpha)));
    return this.bin('sub', o, N.sub(this.handle, o.handle, checkScalar('sub', alpha)));
  }
  /** s - this */
  rsub(s: Scalar): Tensor { return this.un('rsub', N.rsubScalar(this.handle, checkScalar('rsub', s))); }
  mul(o: TensorOrScalar): Tensor { return this.arith('mul', o); }
  div(o: TensorOrScalar): Tensor { return this.arith('div', o); }
  /** s / this */
  rdiv(s: Scalar): Tensor { return this.un('rdiv', N.rdivScalar(this.handle, checkScalar('rdiv', s))); }
  pow(o: TensorOrScalar): Tensor { return this.arith('pow', o); }
  /** s ** this */
  rpow(s: Scalar): Tensor { return this.un('rpow', N.rpowScalar(this.handle, checkScalar('rpow', s))); }
  remainder(o: TensorOrScalar): Tensor { return this.arith('remainder', o); }
  minimum(o: Tensor): Tensor { return this.bin('minimum', o, N.minimum(this.handle, o.handle)); }
  maximum(o: Tensor): Tensor { return this.bin('maximum', o, N.maximum(this.handle, o.handle)); }
  atan2(o: Tensor): Tensor { return this.bin('atan2', o, N.atan2(this.handle, o.handle)); }
  matmul(o: Tensor): Tensor { return this.bin('matmul', o, N.matmul(this.handle, o.handle)); }
  lerp(end: Tensor, weight: Scalar): Tensor { return this.bin('lerp', end, N.lerp(this.handle, end.handle, checkScalar('lerp', weight))); }
  clamp(min?: Scalar | null, max?: Scalar | null): Tensor {
    if (min != null) checkScalar('clamp', min);
    if (max != null) checkScalar('clamp', max);
    return this.un('clamp', N.clamp(this.handle, min ?? null, max ?? null));
  }
  // comparisons and logic (results are bool tensors)
  eq(o: TensorOrScalar): Tensor { return this.arith('eq', o); }
  ne(o: TensorOrScalar): Tensor { return this.arith('ne', o); }
  lt(o: TensorOrScalar): Tensor { return this.arith('lt', o); }
  le(o: TensorOrScalar): Tensor { return this.arith('le', o); }
  gt(o: TensorOrScalar): Tensor { return this.arith('gt', o); }
  ge(o: TensorOrScalar): Tensor { return this.arith('ge', o); }
  logicalAnd(o: Tensor): Tensor { return this.bin('logicalAnd', o, N.logicalAnd(this.handle, o.handle)); }
  logicalOr(o: Tensor): Tensor { return this.bin('logicalOr', o, N.logicalOr(this.handle, o.handle)); }
  logicalXor(o: Tensor): Tensor { return this.bin('logicalXor', o, N.logicalXor(this.handle, o.handle)); }
  logicalNot(): Tensor { return this.unary('logicalNot'); }
  isnan(): Tensor { return this.unary('isnan'); }
  isfinite(): Tensor { return this.unary('isfinite'); }
  // unary math
  neg(): Tensor { return this.unary('neg'); }
  abs(): Tensor { return this.unary('abs'); }
  exp(): Tensor { return this.unary('exp'); }
  log(): Tensor { return this.unary('log'); }
  log1p(): Tensor { return this.unary('log1p'); }
  sqrt(): Tensor { return this.unary('sqrt'); }
  rsqrt(): Tensor { return this.unary('rsqrt'); }
  square(): Tensor { return this.unary('square'); }
  reciprocal(): Tensor { return this.unary('reciprocal'); }
  sign(): Tensor { return this.unary('sign'); }
  sin(): Tensor { return this.unary('sin'); }
  cos(): Tensor { return this.unary('cos'); }
  tanh(): Tensor { return this.unary('tanh'); }
  atan(): Tensor { return this.unary('atan'); }
  floor(): Tensor { return this.unary('floor'); }
  ceil(): Tensor { return this.unary('ceil'); }
  round(): Tensor { return this.unary('round'); }
  trunc(): Tensor { return this.unary('trunc'); }
  // activations
  sigmoid(): Tensor { return this.unary('sigmoid'); }
  relu(): Tensor { return this.unary('relu'); }
  silu(): Tensor { return this.unary('silu'); }
  hardswish(): Tensor { return this.unary('hardswish'); }
  gelu(): Tensor { return this.unary('gelu'); }
  leakyRelu(slope = 0.01): Tensor { return this.un('leakyRelu', N.leakyRelu(this.handle, checkScalar('leakyRelu', slope))); }
  softmax(dim: number): Tensor { return this.un('softmax', N.softmax(this.handle, checkDim('softmax', dim))); }
  logSoftmax(dim: number): Tensor { return this.un('logSoftmax', N.logSoftmax(this.handle, checkDim('logSoftmax', dim))); }

  // ---- reductions ---------------------------------------------------------------------------
  sum(dims: number | number[] = [], keepdim = false): Tensor { return this.un('sum', N.sum(this.handle, checkDims('sum', dims), keepdim)); }
  mean(dims: number | number[] = [], keepdim = false): Tensor { return this.un('mean', N.mean(this.handle, checkDims('mean', dims), keepdim)); }
  amax(dims: number | number[] = [], keepdim = false): Tensor { return this.un('amax', N.amax(this.handle, checkDims('amax', dims), keepdim)); }
  amin(dims: number | number[] = [], keepdim = false): Tensor { return this.un('amin', N.amin(this.handle, checkDims('amin', dims), keepdim)); }
  max(): Tensor { return this.amax(); }
  min(): Tensor { return this.amin(); }
  prod(): Tensor { return this.unary('prod'); }
  norm(p = 2, dims: number | number[] = [], keepdim = false): Tensor {
    return this.un('norm', N.normP(this.handle, checkScalar('norm', p), checkDims('norm', dims), keepdim));
  }
  var(dims: number | number[] = [], unbiased = true, keepdim = false): Tensor {
    return this.un('var', N.var(this.handle, checkDims('var', dims), unbiased, keepdim));
  }
  any(): Tensor { return this.unary('any'); }
  all(): Tensor { return this.unary('all'); }
  countNonzero(): Tensor { return this.unary('countNonzero'); }
  argmax(dim: number, keepdim = false): Tensor { return this.un('argmax', N.argmax(this.handle, checkDim('argmax', dim), keepdim)); }
  argmin(dim: number, keepdim = false): Tensor { return this.un('argmin', N.argmin(this.handle, checkDim('argmin', dim), keepdim)); }
  maxDim(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    return pairOf(wrapMany('maxDim', N.maxDim(this.handle, checkDim('maxDim', dim), keepdim), [this]));
  }
  minDim(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    return pairOf(wrapMany('minDim', N.minDim(this.handle, checkDim('minDim', dim), keepdim), [this]));
  }
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } {
    return pairOf(wrapMany('topk', N.topk(this.handle, checkInt('topk', k), checkDim('topk', dim), largest, sorted), [this]));
  }
  sort(dim = -1, descending = false, stable = false): { values: Tensor; indices: Tensor } {
    return pairOf(wrapMany('sort', N.sort(this.handle, checkDim('sort', dim), descending, stable), [this]));
  }
  argsort(dim = -1, descending = false, stable = false): Tensor {
    return this.un('argsort', N.argsort(this.handle, checkDim('argsort', dim), descending, stable));
  }
  cumsum(dim: number): Tensor { return this.un('cumsum', N.cumsum(this.handle, checkDim('cumsum', dim))); }

  // ---- shape and indexing -------------------------------------------------------------------
  view(...shape: number[]): Tensor { return this.un('view', N.view(this.handle, checkShape('view', shape, true))); }
  reshape(...shape: number[]): Tensor { return this.un('reshape', N.reshape(this.handle, checkShape('reshape', shape, true))); }
  permute(...dims: number[]): Tensor { return this.un('permute', N.permute(this.handle, checkDims('permute', dims))); }
  transpose(d0: number, d1: number): Tensor { return this.un('transpose', N.transpose(this.handle, checkDim('transpose', d0), checkDim('transpose', d1))); }
  flatten(start = 0, end = -1): Tensor { return this.un('flatten', N.flatten(this.handle, checkDim('flatten', start), checkDim('flatten', end))); }
  unsqueeze(dim: number): Tensor { return this.un('unsqueeze', N.unsqueeze(this.handle, checkDim('unsqueeze', dim))); }
  squeeze(dim?: number): Tensor {
    return dim === undefined ? this.unary('squeeze') : this.un('squeeze', N.squeezeDim(this.handle, checkDim('squeeze', dim)));
  }
  expand(...shape: number[]): Tensor { return this.un('expand', N.expand(this.handle, checkShape('expand', shape, true))); }
  expandAs(o: Tensor): Tensor { return this.expand(...o.shape); }
  repeat(...times: number[]): Tensor { return this.un('repeat', N.repeat(this.handle, checkShape('repeat', times))); }
  flip(dims: number | number[]): Tensor { return this.un('flip', N.flip(this.handle, checkDims('flip', dims))); }
  narrow(dim: number, start: number, length: number): Tensor {
    return this.un('narrow', N.narrow(this.handle, checkDim('narrow', dim), checkInt('narrow', start), checkInt('narrow', length)));
  }
  /** Python's x[..., start:end:step] along dim; end defaults to the end. */
  slice(dim: number, start = 0, end = Number.MAX_SAFE_INTEGER, step = 1): Tensor {
    return this.un('slice', N.slice(this.handle, checkDim('slice', dim), checkInt('slice', start), checkInt('slice', end), checkInt('slice', step)));
  }
  select(dim: number, index: number): Tensor { return this.un('select', N.select(this.handle, checkDim('select', dim), checkInt('select', index))); }
  indexSelect(dim: number, index: Tensor): Tensor { return this.bin('indexSelect', index, N.indexSelect(this.handle, checkDim('indexSelect', dim), index.handle)); }
  gather(dim: number, index: Tensor): Tensor { return this.bin('gather', index, N.gather(this.handle, checkDim('gather', dim), index.handle)); }
  maskedSelect(mask: Tensor): Tensor { return this.bin('maskedSelect', mask, N.maskedSelect(this.handle, mask.handle)); }
  maskedFill(mask: Tensor, value: Scalar): Tensor { return this.bin('maskedFill', mask, N.maskedFill(this.handle, mask.handle, checkScalar('maskedFill', value))); }
  nonzero(): Tensor { return this.unary('nonzero'); }
  tril(diagonal = 0): Tensor { return this.un('tril', N.tril(this.handle, checkInt('tril', diagonal))); }
  /** Advanced indexing x[i0, i1, ...]; null stands for ':' in that position. */
  index(indices: readonly (Tensor | null)[]): Tensor {
    const ts = indices.filter((t): t is Tensor => t !== null);
    return wrap('index', N.index(this.handle, indices.map((t) => (t ? t.handle : -1))), [this, ...ts]);
  }
  /** x[i0, i1, ...] = values (or += with accumulate), in place. */
  indexPut_(indices: readonly (Tensor | null)[], values: Tensor, accumulate = false): this {
    const ts = indices.filter((t): t is Tensor => t !== null);
    checkOk('indexPut_', N.indexPut_(this.handle, indices.map((t) => (t ? t.handle : -1)), values.handle, accumulate), [this, ...ts, values]);
    return this;
  }
  split(sizes: number | number[], dim = 0): Tensor[] {
    const d = checkDim('split', dim);
    let list: number[];
    if (typeof sizes === 'number') {
      const n = this.size(d);
      const step = checkInt('split', sizes);
      list = [];
      for (let s = 0; s < n; s += step) list.push(Math.min(step, n - s));
    } else list = checkShape('split', sizes);
    return wrapMany('split', N.split(this.handle, list, d), [this]);
  }
  chunk(chunks: number, dim = 0): Tensor[] { return wrapMany('chunk', N.chunk(this.handle, checkInt('chunk', chunks), checkDim('chunk', dim)), [this]); }

  // ---- in place (optimizers, EMA, initialisation); each returns this ------------------------
  add_(o: TensorOrScalar, alpha = 1): this {
    if (typeof o === 'number') return this.inplace('add_', N.addScalar_(this.handle, checkScalar('add_', o * alpha)));
    return this.inplace('add_', N.add_(this.handle, o.handle, checkScalar('add_', alpha)), o);
  }
  mul_(o: TensorOrScalar): this {
    if (typeof o === 'number') return this.inplace('mul_', N.mulScalar_(this.handle, checkScalar('mul_', o)));
    return this.inplace('mul_', N.mul_(this.handle, o.handle), o);
  }
  div_(o: Tensor): this { return this.inplace('div_', N.div_(this.handle, o.handle), o); }
  addcmul_(t1: Tensor, t2: Tensor, value = 1): this { return this.inplace('addcmul_', N.addcmul_(this.handle, t1.handle, t2.handle, checkScalar('addcmul_', value)), t1, t2); }
  addcdiv_(t1: Tensor, t2: Tensor, value = 1): this { return this.inplace('addcdiv_', N.addcdiv_(this.handle, t1.handle, t2.handle, checkScalar('addcdiv_', value)), t1, t2); }
  lerp_(end: Tensor, weight: Scalar): this { return this.inplace('lerp_', N.lerp_(this.handle, end.handle, checkScalar('lerp_', weight)), end); }
  copy_(src: Tensor): this { return this.inplace('copy_', N.copy_(this.handle, src.handle), src); }
  fill_(v: Scalar): this { return this.inplace('fill_', N.fill_(this.handle, checkScalar('fill_', v))); }
  zero_(): this { return this.inplace('zero_', N.zero_(this.handle)); }
  clampMin_(v: Scalar): this { return this.inplace('clampMin_', N.clampMin_(this.handle, checkScalar('clampMin_', v))); }
  sqrt_(): this { return this.inplace('sqrt_', N.sqrt_(this.handle)); }
  uniform_(from: Scalar, to: Scalar, generator?: { id: number }): this {
    return this.inplace('uniform_', N.uniform_(this.handle, checkScalar('uniform_', from), checkScalar('uniform_', to), generator?.id ?? -1));
  }
  normal_(mean: Scalar, std: Scalar, generator?: { id: number }): this {
    return this.inplace('normal_', N.normal_(this.handle, checkScalar('normal_', mean), checkScalar('normal_', std), generator?.id ?? -1));
  }

  // ---- helpers -------------------------------------------------------------------------------
  private un(op: string, h: number): Tensor { return wrap(op, h, [this]); }
  private bin(op: string, o: Tensor, h: number): Tensor { return wrap(op, h, [this, o]); }
  private unary(op: string): Tensor { return wrap(op, N[op]!(this.handle), [this]); }
  private arith(op: string, o: TensorOrScalar): Tensor {
    if (typeof o === 'number') return this.un(op, N[`${op}Scalar`]!(this.handle, checkScalar(op, o)));
    return this.bin(op, o, N[op]!(this.handle, o.handle));
  }
  private inplace(op: string, ok: boolean, ...others: Tensor[]): this {
    checkOk(op, ok, [this, ...others]);
    return this;
  }
}

function pairOf(ts: Tensor[]): { values: Tensor; indices: Tensor } {
  return { values: ts[0]!, indices: ts[1]! };
}
