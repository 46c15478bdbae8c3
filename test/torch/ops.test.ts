// Every tensor op against golden values from real PyTorch: forward outputs and the gradients of
// sum(output * w) for fixed random w. The cases and the script that made them are in test/golden/
// (make_ops.py); each case id has exactly one entry in the table below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as T from '../../src/torch/index.js';
import { F, type Tensor } from '../../src/torch/index.js';
import type { Reduction } from '../../src/torch/functional.js';

type Value = number | 'NaN' | 'Infinity' | '-Infinity';
interface Golden { shape: number[]; dtype: T.DType; values: Value[] }
interface GoldenInput extends Golden { requires_grad: boolean; grad?: Value[] }
interface GoldenOutput extends Golden { grad_weight?: Value[] }
/** The non-tensor arguments of the cases (each case uses a few of them). */
interface Kw {
  stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number;
  training: boolean; momentum: number; eps: number; kernel: number; scale: number; size: [number, number];
  pads: number[]; value: number; slope: number; dim: number; dims: number[]; keepdim: boolean; sizes: number[];
  split_size: number; chunks: number; start: number; end: number; step: number; steps: number; length: number;
  index: number; diagonal: number; shape: number[]; d0: number; d1: number; times: number[]; alpha: number;
  exponent: number; base: number; weight: number; min: number; max: number; k: number; p: number; n: number;
  reduction: Reduction; beta: number; temperature: number; label_smoothing: number; seed: number; low: number;
  high: number; mean: number; std: number;
}
interface Case { id: string; kw: Kw; inputs: GoldenInput[]; outputs: GoldenOutput[] }
type Op = (x: Tensor[], kw: Kw) => Tensor | Tensor[];

const golden = JSON.parse(readFileSync(new URL('../golden/ops.json', import.meta.url), 'utf8')) as { cases: Case[] };

const pair = (p: { values: Tensor; indices: Tensor }): Tensor[] => [p.values, p.indices];
const conv: Op = ([x, w, b], k) => F.conv2d(x, w, b ?? null, { stride: k.stride, padding: k.padding, dilation: k.dilation, groups: k.groups });
const batchNorm: Op = ([x, weight, bias, runningMean, runningVar], k) => {
  const y = F.batchNorm(x, { weight, bias, runningMean, runningVar, training: k.training, momentum: k.momentum, eps: k.eps });
  return runningMean ? [y, runningMean, runningVar] : y;
};
function seeded(seed: number, draw: (g: T.Generator) => Tensor): Tensor {
  const g = new T.Generator(seed);
  try { return draw(g); } finally { g.dispose(); }
}
const bce: Op = ([x, t], k) => F.bceWithLogits(x, t, { reduction: k.reduction });
const distill: Op = ([s, t], k) => F.klDiv(s.div(k.temperature).logSoftmax(1), t.div(k.temperature).softmax(1), k.reduction);
const klDiv: Op = ([x, t], k) => F.klDiv(x, t, k.reduction);

const ops: Record<string, Op> = {
  // convolution, normalisation, pooling, resampling
  conv2d_bias: conv,
  conv2d_stride2_pad1_nobias: conv,
  conv2d_dilation2_bias: conv,
  conv2d_groups2_bias: conv,
  conv2d_depthwise_asym_nobias: conv,
  conv2d_1x1_bias: conv,
  conv2d_k6_s2_p2_stem: conv,
  batch_norm_train: batchNorm,
  batch_norm_train_yolo: batchNorm,
  batch_norm_eval: batchNorm,
  batch_norm_train_plain: batchNorm,
  max_pool2d_sppf_k5_s1_p2: ([x], k) => F.maxPool2d(x, k.kernel, { stride: k.stride, padding: k.padding }),
  max_pool2d_k2: ([x], k) => F.maxPool2d(x, k.kernel),
  max_pool2d_k3_s2_ceil: ([x], k) => F.maxPool2d(x, k.kernel, { stride: k.stride, ceilMode: true }),
  avg_pool2d_k2: ([x], k) => F.avgPool2d(x, k.kernel),
  adaptive_avg_pool2d_2x3: ([x], k) => F.adaptiveAvgPool2d(x, k.size),
  upsample_nearest_scale2: ([x], k) => F.upsampleNearest2d(x, { scale: k.scale }),
  upsample_nearest_size: ([x], k) => F.upsampleNearest2d(x, { size: k.size }),
  pad_constant: ([x], k) => F.pad(x, k.pads, k.value),
  // activations
  silu: ([x]) => x.silu(),
  sigmoid: ([x]) => x.sigmoid(),
  relu: ([x]) => x.relu(),
  hardswish: ([x]) => x.hardswish(),
  gelu: ([x]) => x.gelu(),
  tanh: ([x]) => x.tanh(),
  leaky_relu_0_1: ([x], k) => x.leakyRelu(k.slope),
  leaky_relu_default: ([x]) => x.leakyRelu(),
  softmax_dim1: ([x], k) => x.softmax(k.dim),
  softmax_dim0: ([x], k) => x.softmax(k.dim),
  log_softmax_last: ([x], k) => x.logSoftmax(k.dim),
  // joining, splitting, selecting
  cat_dim1: (x, k) => T.cat(x, k.dim),
  cat_dim0: (x, k) => T.cat(x, k.dim),
  cat_dim_neg: (x, k) => T.cat(x, k.dim),
  stack_dim0: (x, k) => T.stack(x, k.dim),
  stack_dim_last: (x, k) => T.stack(x, k.dim),
  split_sizes: ([x], k) => x.split(k.sizes, k.dim),
  split_int: ([x], k) => x.split(k.split_size, k.dim),
  chunk: ([x], k) => x.chunk(k.chunks, k.dim),
  chunk_uneven: ([x], k) => x.chunk(k.chunks, k.dim),
  narrow: ([x], k) => x.narrow(k.dim, k.start, k.length),
  slice_step: ([x], k) => x.slice(k.dim, k.start, k.end, k.step),
  slice_negative_start: ([x], k) => x.slice(k.dim, k.start),
  slice_open_end: ([x], k) => x.slice(k.dim, k.start),
  select_dim0: ([x], k) => x.select(k.dim, k.index),
  select_negative: ([x], k) => x.select(k.dim, k.index),
  index_select_dim0: ([x, i], k) => x.indexSelect(k.dim, i),
  index_select_dim1: ([x, i], k) => x.indexSelect(k.dim, i),
  gather_dim1: ([x, i], k) => x.gather(k.dim, i),
  gather_dim0: ([x, i], k) => x.gather(k.dim, i),
  masked_select: ([x, m]) => x.maskedSelect(m),
  masked_select_broadcast: ([x, m]) => x.maskedSelect(m),
  masked_fill: ([x, m], k) => x.maskedFill(m, k.value),
  where_broadcast: ([c, a, b]) => T.where(c, a, b),
  nonzero: ([x]) => x.nonzero(),
  tril: ([x], k) => x.tril(k.diagonal),
  tril_minus1: ([x], k) => x.tril(k.diagonal),
  meshgrid_ij: (x) => T.meshgrid(x, 'ij'),
  meshgrid_xy: (x) => T.meshgrid(x, 'xy'),
  // views and shape
  view: ([x], k) => x.view(...k.shape),
  reshape_noncontiguous: ([x], k) => x.transpose(0, 2).reshape(...k.shape),
  permute: ([x], k) => x.permute(...k.dims),
  transpose: ([x], k) => x.transpose(k.d0, k.d1),
  contiguous_after_transpose: ([x]) => x.transpose(0, 1).contiguous(),
  flatten_from1: ([x], k) => x.flatten(k.start),
  flatten_middle: ([x], k) => x.flatten(k.start, k.end),
  unsqueeze_1: ([x], k) => x.unsqueeze(k.dim),
  unsqueeze_last: ([x], k) => x.unsqueeze(k.dim),
  squeeze_all: ([x]) => x.squeeze(),
  squeeze_dim: ([x], k) => x.squeeze(k.dim),
  expand: ([x], k) => x.expand(...k.shape),
  expand_inferred: ([x], k) => x.expand(...k.shape),
  expand_as: ([x, o]) => x.expandAs(o),
  repeat: ([x], k) => x.repeat(...k.times),
  flip: ([x], k) => x.flip(k.dims),
  // conversions
  to_int64_truncates: ([x]) => x.long(),
  to_float32_from_int64: ([x]) => x.float(),
  to_bool: ([x]) => x.bool(),
  to_float16: ([x]) => x.half(),
  to_float32_from_float16: ([x]) => x.float(),
  to_float64: ([x]) => x.double(),
  // arithmetic
  add_broadcast: ([a, b]) => a.add(b),
  add_alpha: ([a, b], k) => a.add(b, k.alpha),
  add_scalar: ([x], k) => x.add(k.value),
  add_int64: ([a, b]) => a.add(b),
  add_int64_alpha: ([a, b], k) => a.add(b, k.alpha),
  add_scalar_int64_stays_int: ([x], k) => x.add(k.value),
  mul_scalar_int64_stays_int: ([x], k) => x.mul(k.value),
  rpow_scalar_int64: ([x], k) => x.rpow(k.base),
  clamp_int64_stays_int: ([x], k) => x.clamp(k.min, k.max),
  masked_fill_int64: ([x, m], k) => x.maskedFill(m, k.value),
  sub_broadcast: ([a, b]) => a.sub(b),
  sub_alpha: ([a, b], k) => a.sub(b, k.alpha),
  sub_scalar: ([x], k) => x.sub(k.value),
  rsub_scalar: ([x], k) => x.rsub(k.value),
  mul_broadcast: ([a, b]) => a.mul(b),
  mul_scalar: ([x], k) => x.mul(k.value),
  div_broadcast: ([a, b]) => a.div(b),
  div_scalar: ([x], k) => x.div(k.value),
  rdiv_scalar: ([x], k) => x.rdiv(k.value),
  div_int64_true_division: ([a, b]) => a.div(b),
  pow_scalar: ([x], k) => x.pow(k.exponent),
  pow_square_negative_base: ([x], k) => x.pow(k.exponent),
  pow_tensor: ([a, b]) => a.pow(b),
  rpow_scalar: ([x], k) => x.rpow(k.base),
  remainder_scalar: ([x], k) => x.remainder(k.value),
  remainder_tensor: ([a, b]) => a.remainder(b),
  minimum: ([a, b]) => a.minimum(b),
  maximum: ([a, b]) => a.maximum(b),
  atan2: ([a, b]) => a.atan2(b),
  lerp: ([a, b], k) => a.lerp(b, k.weight),
  clamp_both: ([x], k) => x.clamp(k.min, k.max),
  clamp_min: ([x], k) => x.clamp(k.min),
  clamp_max: ([x], k) => x.clamp(null, k.max),
  neg: ([x]) => x.neg(),
  abs: ([x]) => x.abs(),
  exp: ([x]) => x.exp(),
  log: ([x]) => x.log(),
  log1p: ([x]) => x.log1p(),
  sqrt: ([x]) => x.sqrt(),
  rsqrt: ([x]) => x.rsqrt(),
  square: ([x]) => x.square(),
  reciprocal: ([x]) => x.reciprocal(),
  sign: ([x]) => x.sign(),
  sin: ([x]) => x.sin(),
  cos: ([x]) => x.cos(),
  atan: ([x]) => x.atan(),
  floor: ([x]) => x.floor(),
  ceil: ([x]) => x.ceil(),
  trunc: ([x]) => x.trunc(),
  round_half_to_even: ([x]) => x.round(),
  // in place
  add_inplace_alpha: ([x, y], k) => x.clone().add_(y, k.alpha),
  add_inplace_scalar: ([x], k) => x.clone().add_(k.value),
  mul_inplace: ([x, y]) => x.clone().mul_(y),
  mul_inplace_scalar: ([x], k) => x.clone().mul_(k.value),
  div_inplace: ([x, y]) => x.clone().div_(y),
  addcmul_inplace: ([x, a, b], k) => x.clone().addcmul_(a, b, k.value),
  addcdiv_inplace: ([x, a, b], k) => x.clone().addcdiv_(a, b, k.value),
  lerp_inplace_ema: ([x, y], k) => x.clone().lerp_(y, k.weight),
  copy_inplace_broadcast: ([x, y]) => x.clone().copy_(y),
  fill_inplace: ([x], k) => x.clone().fill_(k.value),
  zero_inplace: ([x]) => x.clone().zero_(),
  clamp_min_inplace: ([x], k) => x.clone().clampMin_(k.min),
  sqrt_inplace: ([x]) => x.clone().sqrt_(),
  // comparisons and logic
  eq: ([a, b]) => a.eq(b),
  eq_scalar: ([x], k) => x.eq(k.value),
  ne: ([a, b]) => a.ne(b),
  ne_scalar: ([x], k) => x.ne(k.value),
  lt: ([a, b]) => a.lt(b),
  lt_scalar: ([x], k) => x.lt(k.value),
  le: ([a, b]) => a.le(b),
  le_scalar: ([x], k) => x.le(k.value),
  gt: ([a, b]) => a.gt(b),
  gt_scalar: ([x], k) => x.gt(k.value),
  ge: ([a, b]) => a.ge(b),
  ge_scalar: ([x], k) => x.ge(k.value),
  logical_and: ([a, b]) => a.logicalAnd(b),
  logical_or: ([a, b]) => a.logicalOr(b),
  logical_xor: ([a, b]) => a.logicalXor(b),
  logical_not: ([x]) => x.logicalNot(),
  isnan: ([x]) => x.isnan(),
  isfinite: ([x]) => x.isfinite(),
  // reductions, sorting, scans
  sum_all: ([x]) => x.sum(),
  sum_dim1: ([x], k) => x.sum(k.dims),
  sum_dims_keepdim: ([x], k) => x.sum(k.dims, k.keepdim),
  sum_int64: ([x]) => x.sum(),
  sum_bool: ([x], k) => x.sum(k.dims),
  mean_all: ([x]) => x.mean(),
  mean_dim_keepdim: ([x], k) => x.mean(k.dims, k.keepdim),
  amax_dim1: ([x], k) => x.amax(k.dims),
  amin_dims01_keepdim: ([x], k) => x.amin(k.dims, k.keepdim),
  max_all: ([x]) => x.max(),
  min_all: ([x]) => x.min(),
  argmax_dim1: ([x], k) => x.argmax(k.dim),
  argmax_dim0_keepdim: ([x], k) => x.argmax(k.dim, k.keepdim),
  argmin_last: ([x], k) => x.argmin(k.dim),
  max_dim: ([x], k) => pair(x.maxDim(k.dim)),
  min_dim_keepdim: ([x], k) => pair(x.minDim(k.dim, k.keepdim)),
  topk_largest: ([x], k) => pair(x.topk(k.k, k.dim)),
  topk_smallest_dim0: ([x], k) => pair(x.topk(k.k, k.dim, false)),
  sort_ascending: ([x], k) => pair(x.sort(k.dim)),
  sort_descending_dim0: ([x], k) => pair(x.sort(k.dim, true)),
  sort_stable_ties: ([x], k) => pair(x.sort(k.dim, true, true)),
  argsort_descending: ([x], k) => x.argsort(k.dim, true),
  cumsum_dim1: ([x], k) => x.cumsum(k.dim),
  cumsum_dim0: ([x], k) => x.cumsum(k.dim),
  prod: ([x]) => x.prod(),
  norm_p2_all: ([x], k) => x.norm(k.p),
  norm_p1_dim: ([x], k) => x.norm(k.p, k.dims),
  var_dim_unbiased: ([x], k) => x.var(k.dims, true),
  var_all_dims_keepdim: ([x], k) => x.var(k.dims, true, k.keepdim),
  var_all_biased: ([x]) => x.var([], false),
  any: ([x]) => x.any(),
  all: ([x]) => x.all(),
  count_nonzero: ([x]) => x.countNonzero(),
  // matrix products
  matmul_2d: ([a, b]) => a.matmul(b),
  matmul_batched_broadcast: ([a, b]) => a.matmul(b),
  matmul_bmm: ([a, b]) => a.matmul(b),
  matmul_vector_matrix: ([a, b]) => a.matmul(b),
  matmul_float64: ([a, b]) => a.matmul(b),
  linear_bias: ([x, w, b]) => F.linear(x, w, b),
  // losses
  bce_with_logits_mean: bce,
  bce_with_logits_sum: bce,
  bce_with_logits_none: bce,
  bce_with_logits_pos_weight: ([x, t, pw], k) => F.bceWithLogits(x, t, { posWeight: pw, reduction: k.reduction }),
  bce_with_logits_pos_weight_none: ([x, t, pw], k) => F.bceWithLogits(x, t, { posWeight: pw, reduction: k.reduction }),
  bce_with_logits_weight_sum: ([x, t, w], k) => F.bceWithLogits(x, t, { weight: w, reduction: k.reduction }),
  mse_loss_mean: ([x, t], k) => F.mseLoss(x, t, k.reduction),
  mse_loss_sum: ([x, t], k) => F.mseLoss(x, t, k.reduction),
  mse_loss_none: ([x, t], k) => F.mseLoss(x, t, k.reduction),
  l1_loss_mean: ([x, t], k) => F.l1Loss(x, t, k.reduction),
  l1_loss_sum: ([x, t], k) => F.l1Loss(x, t, k.reduction),
  smooth_l1_loss_mean: ([x, t], k) => F.smoothL1Loss(x, t, k.reduction, k.beta),
  smooth_l1_loss_sum_beta: ([x, t], k) => F.smoothL1Loss(x, t, k.reduction, k.beta),
  kl_div_batchmean_distill: distill,
  kl_div_sum_distill: distill,
  kl_div_batchmean: klDiv,
  kl_div_sum: klDiv,
  kl_div_mean: klDiv,
  kl_div_none: klDiv,
  cross_entropy: ([x, t]) => F.crossEntropy(x, t),
  cross_entropy_label_smoothing_sum: ([x, t], k) => F.crossEntropy(x, t, { reduction: k.reduction, labelSmoothing: k.label_smoothing }),
  // advanced indexing
  index_b_a_gj_gi: ([x, b, a, gj, gi]) => x.index([b, a, gj, gi]),
  index_first_dim: ([x, i]) => x.index([i]),
  index_after_full_slice: ([x, i]) => x.index([null, i]),
  index_broadcast_indices: ([x, i, j]) => x.index([i, j]),
  index_bool_mask: ([x, m]) => x.index([m]),
  index_put_accumulate: ([x, i, j, v]) => x.clone().indexPut_([i, j], v, true),
  index_put_replace: ([x, i, j, v]) => x.clone().indexPut_([i, j], v, false),
  index_put_accumulate_rows: ([x, i, v]) => x.clone().indexPut_([i], v, true),
  // creation
  linspace_0_1: (_, k) => T.linspace(k.start, k.end, k.steps),
  linspace_negative: (_, k) => T.linspace(k.start, k.end, k.steps),
  arange_end: (_, k) => T.arange(k.end),
  arange_start_step: (_, k) => T.arange(k.start, k.end, k.step),
  arange_float_step: (_, k) => T.arange(k.start, k.end, k.step),
  arange_float_start: (_, k) => T.arange(k.start, k.end),
  arange_float64: (_, k) => T.arange(k.start, k.end, k.step, { dtype: 'float64' }),
  eye: (_, k) => T.eye(k.n),
  zeros: (_, k) => T.zeros(k.shape),
  ones_int64: (_, k) => T.ones(k.shape, { dtype: 'int64' }),
  full: (_, k) => T.full(k.shape, k.value),
  full_bool: (_, k) => T.full(k.shape, 1, { dtype: 'bool' }),
  zeros_like: ([x]) => T.zerosLike(x),
  ones_like: ([x]) => T.onesLike(x),
  full_like: ([x], k) => T.fullLike(x, k.value),
  // seeded random numbers
  randn_seeded: (_, k) => seeded(k.seed, (generator) => T.randn(k.shape, { generator })),
  randn_seeded_vectorised: (_, k) => seeded(k.seed, (generator) => T.randn(k.shape, { generator })),
  randn_seeded_float64: (_, k) => seeded(k.seed, (generator) => T.randn(k.shape, { generator, dtype: 'float64' })),
  rand_seeded: (_, k) => seeded(k.seed, (generator) => T.rand(k.shape, { generator })),
  randint_seeded: (_, k) => seeded(k.seed, (generator) => T.randint(k.low, k.high, k.shape, { generator })),
  randperm_seeded: (_, k) => seeded(k.seed, (generator) => T.randperm(k.n, { generator })),
  uniform_inplace_seeded: (_, k) => seeded(k.seed, (g) => T.empty(k.shape).uniform_(k.low, k.high, g)),
  normal_inplace_seeded: (_, k) => seeded(k.seed, (g) => T.empty(k.shape).normal_(k.mean, k.std, g)),
  detach_stops_grad: ([x]) => x.mul(2).add(x.detach().pow(2)),
  scalar_tensor: (_, k) => T.scalar(k.value),
};

// ---- checking -----------------------------------------------------------------------------------
const num = (v: Value): number => (typeof v === 'number' ? v : Number(v));
const isFloat = (d: T.DType) => d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';

function fromGolden(g: Golden, values: Value[] = g.values): Tensor {
  return T.tensor(Float64Array.from(values, num), { shape: g.shape, dtype: g.dtype });
}

/** Floats within 1e-5 + 1e-5·|want| (NaN and infinities exactly); integers and bools exactly. */
function expectMatch(got: Tensor, want: Golden, values: Value[], what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  const a = got.toArray();
  const b = values.map(num);
  if (!isFloat(want.dtype)) {
    assert.deepEqual(a, b, `${what}: values`);
    return;
  }
  const bad: string[] = [];
  b.forEach((w, i) => {
    const g = a[i]!;
    const ok = Number.isFinite(w) ? Math.abs(g - w) <= 1e-5 + 1e-5 * Math.abs(w) : Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w));
    if (!ok) bad.push(`[${i}] got ${g}, want ${w}`);
  });
  assert.equal(bad.length, 0, `${what}: ${bad.length} of ${b.length} values differ: ${bad.slice(0, 5).join('; ')}`);
}

function runCase(c: Case): void {
  const leaves = c.inputs.map((inp) => {
    const t = fromGolden(inp);
    return inp.requires_grad ? t.requiresGrad_() : t;
  });
  const result = ops[c.id]!(leaves, c.kw);
  const outs = Array.isArray(result) ? result : [result];
  assert.equal(outs.length, c.outputs.length, 'number of outputs');
  let loss: Tensor | null = null;
  for (const [i, o] of outs.entries()) {
    const want = c.outputs[i]!;
    expectMatch(o, want, want.values, `output ${i}`);
    assert.equal(o.requiresGrad, want.grad_weight !== undefined, `output ${i}: requiresGrad as in PyTorch`);
    if (want.grad_weight === undefined) continue;
    const term = o.mul(fromGolden(want, want.grad_weight)).sum();
    loss = loss === null ? term : loss.add(term);
  }
  loss?.backward();
  c.inputs.forEach((inp, i) => {
    if (inp.grad === undefined) return;
    const g = leaves[i]!.grad ?? T.zerosLike(leaves[i]!);
    expectMatch(g, inp, inp.grad, `grad of input ${i}`);
  });
}

test('the op table and the golden cases name the same ops', () => {
  const ids = golden.cases.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'case ids are unique');
  assert.deepEqual(ids.filter((id) => !Object.hasOwn(ops, id)), [], 'golden cases without an op');
  assert.deepEqual(Object.keys(ops).filter((id) => !ids.includes(id)), [], 'ops without a golden case');
});

for (const c of golden.cases) {
  test(`op ${c.id} matches PyTorch`, () => {
    const before = T.liveTensors();
    T.scope(() => runCase(c));
    assert.equal(T.liveTensors(), before, 'tensors leaked');
  });
}
