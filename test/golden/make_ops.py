#!/usr/bin/python3
"""Golden values of the tensor ops, computed by real PyTorch, for test/torch/ops.test.ts.

Rerun from the repository root with Debian's PyTorch 1.13 (the `python3` on PATH has no torch):

    /usr/bin/python3 test/golden/make_ops.py

It rewrites test/golden/ops.json. The output is deterministic: each case draws its random
numbers from its own generator seeded with crc32(case id), so adding or removing a case
changes no other case. After adding a case here, add the same op under the same id to the
table in test/torch/ops.test.ts (the test fails when the two lists differ).

Each case holds:
  id       unique name; the key of the op table in ops.test.ts
  kw       the op's arguments other than tensors (read by both sides)
  inputs   [{shape, dtype, values, requires_grad[, grad]}]
  outputs  [{shape, dtype, values[, grad_weight]}]
For float outputs that carry autograd, grad_weight holds fixed random weights w, and each
input with requires_grad holds `grad`: d(sum over outputs of sum(output * w)) / d(input).
Float values are written as the shortest decimal that reads back (through float64) to the same
float32 value; float64 values as Python's repr; NaN and infinities as the strings "NaN",
"Infinity", "-Infinity".
"""
import json
import math
import os
import warnings
import zlib

import numpy as np
import torch
import torch.nn.functional as F

# kl_div(reduction='mean') warns that 'mean' is not 'batchmean'; the case is there on purpose.
warnings.filterwarnings('ignore', message='reduction: .mean. divides')
torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ops.json')

DTYPE_NAMES = {
    torch.float32: 'float32', torch.float64: 'float64', torch.float16: 'float16', torch.int64: 'int64',
    torch.int32: 'int32', torch.uint8: 'uint8', torch.bool: 'bool',
}


# ---- encoding ------------------------------------------------------------------------------------
def special(v):
    if math.isnan(v):
        return 'NaN'
    return 'Infinity' if v > 0 else '-Infinity'


def f32(v):
    if not math.isfinite(v):
        return special(v)
    short = float(str(np.float32(v)))
    assert np.float32(short) == np.float32(v), (v, short)
    return short


def f64(v):
    return v if math.isfinite(v) else special(v)


def values(t):
    t = t.detach().reshape(-1)
    if t.dtype == torch.float64:
        return [f64(v) for v in t.tolist()]
    if t.is_floating_point():
        return [f32(v) for v in t.float().tolist()]
    return [int(v) for v in t.tolist()]


def encode(t):
    return {'shape': list(t.shape), 'dtype': DTYPE_NAMES[t.dtype], 'values': values(t)}


# ---- case construction ---------------------------------------------------------------------------
class Rng:
    """Random inputs for one case, from a generator seeded by the case id."""

    def __init__(self, cid):
        self.g = torch.Generator().manual_seed(zlib.crc32(cid.encode()))

    def randn(self, *shape, scale=1.0, dtype=torch.float32):
        return (torch.randn(shape, generator=self.g, dtype=torch.float64) * scale).to(dtype)

    def rand(self, *shape, lo=0.0, hi=1.0, dtype=torch.float32):
        return (torch.rand(shape, generator=self.g, dtype=torch.float64) * (hi - lo) + lo).to(dtype)

    def randint(self, lo, hi, *shape, dtype=torch.int64):
        return torch.randint(lo, hi, shape, generator=self.g).to(dtype)

    def away(self, *shape, lo=0.2, hi=2.0):
        """Random magnitudes in [lo, hi) with random signs: no zeros, no kinks near zero."""
        sign = torch.randint(0, 2, shape, generator=self.g).double() * 2 - 1
        return (self.rand(*shape, lo=lo, hi=hi, dtype=torch.float64) * sign).float()

    @staticmethod
    def const(data, dtype=torch.float32):
        return torch.tensor(data, dtype=dtype)


CASES = []


def add(cid, make_inputs, fn, kw=None, grad=True):
    """grad: True (every float input requires grad), False (none), or one flag per input."""
    assert all(c['id'] != cid for c in CASES), f'duplicate case id {cid}'
    kw = kw or {}
    rng = Rng(cid)
    inputs = make_inputs(rng)
    flags = grad if isinstance(grad, list) else [grad] * len(inputs)
    leaves, recorded = [], []
    for t, flag in zip(inputs, flags):
        leaf = t.clone()
        needs = bool(flag) and leaf.is_floating_point()
        if needs:
            leaf.requires_grad_()
        leaves.append(leaf)
        recorded.append({**encode(leaf), 'requires_grad': needs})
    result = fn(leaves, kw)
    outs = list(result) if isinstance(result, (list, tuple)) else [result]
    encoded, loss = [], None
    for o in outs:
        e = encode(o)
        if o.is_floating_point() and o.requires_grad:
            w = rng.randn(*o.shape, dtype=o.dtype)
            e['grad_weight'] = values(w)
            term = (o * w).sum()
            loss = term if loss is None else loss + term
        encoded.append(e)
    if loss is not None:
        loss.backward()
    for leaf, rec in zip(leaves, recorded):
        if rec['requires_grad']:
            g = leaf.grad if leaf.grad is not None else torch.zeros_like(leaf)
            rec['grad'] = values(g)
    CASES.append({'id': cid, 'kw': kw, 'inputs': recorded, 'outputs': encoded})


# ---- convolution, normalisation, pooling, resampling ----------------------------------------------
def conv(x, k):
    bias = x[2] if len(x) > 2 else None
    return F.conv2d(x[0], x[1], bias, stride=k['stride'], padding=k['padding'], dilation=k['dilation'], groups=k['groups'])


def conv_kw(stride=1, padding=0, dilation=1, groups=1):
    def two(v):
        return [v, v] if isinstance(v, int) else list(v)
    return {'stride': two(stride), 'padding': two(padding), 'dilation': two(dilation), 'groups': groups}


add('conv2d_bias', lambda r: [r.randn(1, 3, 5, 5), r.randn(4, 3, 3, 3, scale=0.3), r.randn(4)], conv, conv_kw())
add('conv2d_stride2_pad1_nobias', lambda r: [r.randn(2, 2, 6, 6), r.randn(3, 2, 3, 3, scale=0.3)], conv, conv_kw(2, 1))
add('conv2d_dilation2_bias', lambda r: [r.randn(1, 2, 7, 7), r.randn(2, 2, 3, 3, scale=0.3), r.randn(2)], conv,
    conv_kw(1, 2, 2))
add('conv2d_groups2_bias', lambda r: [r.randn(1, 4, 5, 5), r.randn(6, 2, 3, 3, scale=0.3), r.randn(6)], conv,
    conv_kw(1, 1, 1, 2))
add('conv2d_depthwise_asym_nobias', lambda r: [r.randn(1, 3, 5, 4), r.randn(3, 1, 3, 3, scale=0.3)], conv,
    conv_kw((2, 1), (1, 0), 1, 3))
add('conv2d_1x1_bias', lambda r: [r.randn(2, 4, 3, 3), r.randn(2, 4, 1, 1, scale=0.3), r.randn(2)], conv, conv_kw())
add('conv2d_k6_s2_p2_stem', lambda r: [r.randn(1, 3, 8, 8), r.randn(2, 3, 6, 6, scale=0.1)], conv, conv_kw(2, 2))


def bn(x, k):
    weight, bias, rm, rv = (x[1], x[2], x[3], x[4]) if len(x) == 5 else (None, None, None, None)
    y = F.batch_norm(x[0], rm, rv, weight, bias, training=k['training'], momentum=k['momentum'], eps=k['eps'])
    return [y, rm, rv] if rm is not None else y


def bn_inputs(n, c, h, w):
    return lambda r: [r.randn(n, c, h, w, scale=2.0), r.rand(c, lo=0.5, hi=1.5), r.randn(c, scale=0.5),
                      r.randn(c, scale=0.3), r.rand(c, lo=0.5, hi=2.0)]


BN_GRAD = [True, True, True, False, False]
add('batch_norm_train', bn_inputs(4, 3, 2, 2), bn, {'training': True, 'momentum': 0.1, 'eps': 1e-5}, BN_GRAD)
add('batch_norm_train_yolo', bn_inputs(2, 4, 3, 3), bn, {'training': True, 'momentum': 0.03, 'eps': 1e-3}, BN_GRAD)
add('batch_norm_eval', bn_inputs(2, 3, 2, 3), bn, {'training': False, 'momentum': 0.1, 'eps': 1e-5}, BN_GRAD)
add('batch_norm_train_plain', lambda r: [r.randn(3, 2, 2, 2)], bn, {'training': True, 'momentum': 0.1, 'eps': 1e-5})

add('max_pool2d_sppf_k5_s1_p2', lambda r: [r.randn(1, 2, 6, 6)],
    lambda x, k: F.max_pool2d(x[0], k['kernel'], k['stride'], k['padding']), {'kernel': 5, 'stride': 1, 'padding': 2})
add('max_pool2d_k2', lambda r: [r.randn(1, 2, 4, 6)], lambda x, k: F.max_pool2d(x[0], k['kernel']), {'kernel': 2})
add('max_pool2d_k3_s2_ceil', lambda r: [r.randn(1, 1, 6, 6)],
    lambda x, k: F.max_pool2d(x[0], k['kernel'], k['stride'], ceil_mode=True), {'kernel': 3, 'stride': 2})
add('avg_pool2d_k2', lambda r: [r.randn(1, 2, 4, 4)], lambda x, k: F.avg_pool2d(x[0], k['kernel']), {'kernel': 2})
add('adaptive_avg_pool2d_2x3', lambda r: [r.randn(1, 2, 5, 5)], lambda x, k: F.adaptive_avg_pool2d(x[0], k['size']),
    {'size': [2, 3]})
add('upsample_nearest_scale2', lambda r: [r.randn(1, 2, 3, 3)],
    lambda x, k: F.interpolate(x[0], scale_factor=k['scale'], mode='nearest'), {'scale': 2})
add('upsample_nearest_size', lambda r: [r.randn(1, 1, 3, 4)],
    lambda x, k: F.interpolate(x[0], size=k['size'], mode='nearest'), {'size': [5, 7]})
add('pad_constant', lambda r: [r.randn(1, 1, 3, 3)], lambda x, k: F.pad(x[0], k['pads'], value=k['value']),
    {'pads': [1, 2, 0, 1], 'value': 0.5})

# ---- activations -----------------------------------------------------------------------------------
ACT = {
    'silu': F.silu, 'sigmoid': torch.sigmoid, 'relu': F.relu, 'hardswish': F.hardswish, 'gelu': F.gelu,
    'tanh': torch.tanh,
}
for name, f in ACT.items():
    add(name, lambda r: [r.away(3, 5, lo=0.05, hi=4.0)], lambda x, k, f=f: f(x[0]))
add('leaky_relu_0_1', lambda r: [r.away(3, 4)], lambda x, k: F.leaky_relu(x[0], k['slope']), {'slope': 0.1})
add('leaky_relu_default', lambda r: [r.away(3, 4)], lambda x, k: F.leaky_relu(x[0]))
add('softmax_dim1', lambda r: [r.randn(3, 4, scale=2.0)], lambda x, k: F.softmax(x[0], k['dim']), {'dim': 1})
add('softmax_dim0', lambda r: [r.randn(3, 2, 2)], lambda x, k: F.softmax(x[0], k['dim']), {'dim': 0})
add('log_softmax_last', lambda r: [r.randn(2, 5, scale=2.0)], lambda x, k: F.log_softmax(x[0], k['dim']), {'dim': -1})

# ---- joining and splitting -------------------------------------------------------------------------
add('cat_dim1', lambda r: [r.randn(2, 1, 3), r.randn(2, 2, 3), r.randn(2, 3, 3)], lambda x, k: torch.cat(x, k['dim']),
    {'dim': 1})
add('cat_dim0', lambda r: [r.randn(1, 3), r.randn(2, 3)], lambda x, k: torch.cat(x, k['dim']), {'dim': 0})
add('cat_dim_neg', lambda r: [r.randn(2, 2), r.randn(2, 3)], lambda x, k: torch.cat(x, k['dim']), {'dim': -1})
add('stack_dim0', lambda r: [r.randn(2, 3), r.randn(2, 3), r.randn(2, 3)], lambda x, k: torch.stack(x, k['dim']),
    {'dim': 0})
add('stack_dim_last', lambda r: [r.randn(2, 3), r.randn(2, 3)], lambda x, k: torch.stack(x, k['dim']), {'dim': -1})
add('split_sizes', lambda r: [r.randn(5, 4)], lambda x, k: x[0].split(k['sizes'], k['dim']), {'sizes': [2, 3], 'dim': 0})
add('split_int', lambda r: [r.randn(3, 5)], lambda x, k: x[0].split(k['split_size'], k['dim']), {'split_size': 2, 'dim': 1})
add('chunk', lambda r: [r.randn(2, 6)], lambda x, k: x[0].chunk(k['chunks'], k['dim']), {'chunks': 3, 'dim': 1})
add('chunk_uneven', lambda r: [r.randn(5, 2)], lambda x, k: x[0].chunk(k['chunks'], k['dim']), {'chunks': 2, 'dim': 0})
add('narrow', lambda r: [r.randn(3, 5)], lambda x, k: x[0].narrow(k['dim'], k['start'], k['length']),
    {'dim': 1, 'start': 1, 'length': 3})
def py_slice(x, k):
    """x[..., start:end:step] along k['dim'], with Python's own slice syntax."""
    dim = k['dim'] % x[0].dim()
    return x[0][(slice(None),) * dim + (slice(k['start'], k.get('end'), k.get('step')),)]


add('slice_step', lambda r: [r.randn(4, 6)], py_slice, {'dim': 1, 'start': 1, 'end': 5, 'step': 2})
add('slice_negative_start', lambda r: [r.randn(4, 3)], py_slice, {'dim': 0, 'start': -2})
add('slice_open_end', lambda r: [r.randn(2, 5)], py_slice, {'dim': 1, 'start': 2})
add('select_dim0', lambda r: [r.randn(3, 4)], lambda x, k: x[0].select(k['dim'], k['index']), {'dim': 0, 'index': 1})
add('select_negative', lambda r: [r.randn(2, 3, 4)], lambda x, k: x[0].select(k['dim'], k['index']),
    {'dim': -1, 'index': -1})
add('index_select_dim0', lambda r: [r.randn(4, 3), r.const([2, 0, 2], torch.int64)],
    lambda x, k: x[0].index_select(k['dim'], x[1]), {'dim': 0})
add('index_select_dim1', lambda r: [r.randn(2, 5), r.const([4, 1], torch.int64)],
    lambda x, k: x[0].index_select(k['dim'], x[1]), {'dim': 1})
add('gather_dim1', lambda r: [r.randn(3, 4), r.const([[0, 3], [1, 1], [2, 0]], torch.int64)],
    lambda x, k: x[0].gather(k['dim'], x[1]), {'dim': 1})
add('gather_dim0', lambda r: [r.randn(3, 2), r.const([[2, 0], [1, 2], [0, 0], [2, 1]], torch.int64)],
    lambda x, k: x[0].gather(k['dim'], x[1]), {'dim': 0})
add('masked_select', lambda r: [r.randn(3, 4), r.randint(0, 2, 3, 4, dtype=torch.bool)],
    lambda x, k: x[0].masked_select(x[1]))
add('masked_select_broadcast', lambda r: [r.randn(3, 4), r.const([True, False, True, True], torch.bool)],
    lambda x, k: x[0].masked_select(x[1]))
add('masked_fill', lambda r: [r.randn(3, 4), r.randint(0, 2, 3, 4, dtype=torch.bool)],
    lambda x, k: x[0].masked_fill(x[1], k['value']), {'value': -1.5})
add('where_broadcast', lambda r: [r.randint(0, 2, 3, 4, dtype=torch.bool), r.randn(3, 4), r.randn(1, 4)],
    lambda x, k: torch.where(x[0], x[1], x[2]))
add('nonzero', lambda r: [r.randn(3, 4) * r.randint(0, 2, 3, 4)], lambda x, k: x[0].nonzero(), grad=False)
add('tril', lambda r: [r.randn(3, 4)], lambda x, k: x[0].tril(k['diagonal']), {'diagonal': 0})
add('tril_minus1', lambda r: [r.randn(4, 4)], lambda x, k: x[0].tril(k['diagonal']), {'diagonal': -1})
add('meshgrid_ij', lambda r: [r.randn(3), r.randn(2)], lambda x, k: torch.meshgrid(x[0], x[1], indexing='ij'))
add('meshgrid_xy', lambda r: [r.randn(3), r.randn(2)], lambda x, k: torch.meshgrid(x[0], x[1], indexing='xy'))

# ---- views and shape -------------------------------------------------------------------------------
add('view', lambda r: [r.randn(2, 3, 4)], lambda x, k: x[0].view(*k['shape']), {'shape': [6, -1]})
add('reshape_noncontiguous', lambda r: [r.randn(2, 3, 4)], lambda x, k: x[0].transpose(0, 2).reshape(*k['shape']),
    {'shape': [4, 6]})
add('permute', lambda r: [r.randn(2, 3, 4)], lambda x, k: x[0].permute(*k['dims']), {'dims': [2, 0, 1]})
add('transpose', lambda r: [r.randn(2, 3, 4)], lambda x, k: x[0].transpose(k['d0'], k['d1']), {'d0': 1, 'd1': 2})
add('contiguous_after_transpose', lambda r: [r.randn(3, 4)], lambda x, k: x[0].t().contiguous())
add('flatten_from1', lambda r: [r.randn(2, 3, 2, 2)], lambda x, k: x[0].flatten(k['start']), {'start': 1})
add('flatten_middle', lambda r: [r.randn(2, 3, 2, 2)], lambda x, k: x[0].flatten(k['start'], k['end']),
    {'start': 1, 'end': 2})
add('unsqueeze_1', lambda r: [r.randn(2, 3)], lambda x, k: x[0].unsqueeze(k['dim']), {'dim': 1})
add('unsqueeze_last', lambda r: [r.randn(2, 3)], lambda x, k: x[0].unsqueeze(k['dim']), {'dim': -1})
add('squeeze_all', lambda r: [r.randn(1, 3, 1, 2)], lambda x, k: x[0].squeeze())
add('squeeze_dim', lambda r: [r.randn(1, 3, 1, 2)], lambda x, k: x[0].squeeze(k['dim']), {'dim': 2})
add('expand', lambda r: [r.randn(3, 1)], lambda x, k: x[0].expand(*k['shape']), {'shape': [2, 3, 4]})
add('expand_inferred', lambda r: [r.randn(3, 1)], lambda x, k: x[0].expand(*k['shape']), {'shape': [-1, 4]})
add('expand_as', lambda r: [r.randn(1, 3), r.randn(2, 3)], lambda x, k: x[0].expand_as(x[1]), grad=[True, False])
add('repeat', lambda r: [r.randn(2, 3)], lambda x, k: x[0].repeat(*k['times']), {'times': [2, 1, 2]})
add('flip', lambda r: [r.randn(2, 3, 2)], lambda x, k: x[0].flip(k['dims']), {'dims': [0, 2]})

# ---- conversions -----------------------------------------------------------------------------------
add('to_int64_truncates', lambda r: [r.const([-1.7, -0.2, 0.0, 2.5, 3.9])], lambda x, k: x[0].long(), grad=False)
add('to_float32_from_int64', lambda r: [r.randint(-5, 5, 6)], lambda x, k: x[0].float())
add('to_bool', lambda r: [r.const([0.0, 1.5, -2.0, 0.0])], lambda x, k: x[0].bool(), grad=False)
add('to_float16', lambda r: [r.randn(6)], lambda x, k: x[0].half(), grad=False)
add('to_float32_from_float16', lambda r: [r.randn(5).half()], lambda x, k: x[0].float())
add('to_float64', lambda r: [r.randn(5)], lambda x, k: x[0].double())

# ---- arithmetic --------------------------------------------------------------------------------------
add('add_broadcast', lambda r: [r.randn(2, 3, 1), r.randn(1, 4)], lambda x, k: x[0] + x[1])
add('add_alpha', lambda r: [r.randn(2, 3), r.randn(3)], lambda x, k: torch.add(x[0], x[1], alpha=k['alpha']),
    {'alpha': 0.5})
add('add_scalar', lambda r: [r.randn(2, 3)], lambda x, k: x[0] + k['value'], {'value': 2.5})
add('add_int64', lambda r: [r.randint(-9, 9, 2, 3), r.randint(-9, 9, 3)], lambda x, k: x[0] + x[1])
add('add_int64_alpha', lambda r: [r.randint(-9, 9, 4), r.randint(-9, 9, 4)],
    lambda x, k: torch.add(x[0], x[1], alpha=k['alpha']), {'alpha': 2})
add('add_scalar_int64_stays_int', lambda r: [r.randint(-9, 9, 4)], lambda x, k: x[0] + k['value'], {'value': 3})
add('mul_scalar_int64_stays_int', lambda r: [r.randint(-9, 9, 4)], lambda x, k: x[0] * k['value'], {'value': -2})
add('rpow_scalar_int64', lambda r: [r.randint(0, 5, 4)], lambda x, k: k['base'] ** x[0], {'base': 2})
add('clamp_int64_stays_int', lambda r: [r.randint(-9, 9, 6)], lambda x, k: x[0].clamp(k['min'], k['max']),
    {'min': -2, 'max': 5})
add('masked_fill_int64', lambda r: [r.randint(-9, 9, 2, 3), r.randint(0, 2, 2, 3, dtype=torch.bool)],
    lambda x, k: x[0].masked_fill(x[1], k['value']), {'value': 7})
add('sub_broadcast', lambda r: [r.randn(4, 3), r.randn(3)], lambda x, k: x[0] - x[1])
add('sub_alpha', lambda r: [r.randn(4), r.randn(4)], lambda x, k: torch.sub(x[0], x[1], alpha=k['alpha']),
    {'alpha': 2.0})
add('sub_scalar', lambda r: [r.randn(2, 3)], lambda x, k: x[0] - k['value'], {'value': 1.5})
add('rsub_scalar', lambda r: [r.randn(2, 3)], lambda x, k: k['value'] - x[0], {'value': 1.5})
add('mul_broadcast', lambda r: [r.randn(2, 1, 3), r.randn(4, 1)], lambda x, k: x[0] * x[1])
add('mul_scalar', lambda r: [r.randn(2, 3)], lambda x, k: x[0] * k['value'], {'value': -3.0})
add('div_broadcast', lambda r: [r.randn(3, 4), r.away(4, lo=0.5)], lambda x, k: x[0] / x[1])
add('div_scalar', lambda r: [r.randn(2, 3)], lambda x, k: x[0] / k['value'], {'value': 4.0})
add('rdiv_scalar', lambda r: [r.away(2, 3, lo=0.5)], lambda x, k: k['value'] / x[0], {'value': 2.0})
add('div_int64_true_division', lambda r: [r.randint(-9, 9, 5), r.const([2, -3, 4, 7, -1], torch.int64)],
    lambda x, k: x[0] / x[1])
add('pow_scalar', lambda r: [r.rand(2, 3, lo=0.2, hi=2.0)], lambda x, k: x[0] ** k['exponent'], {'exponent': 2.5})
add('pow_square_negative_base', lambda r: [r.randn(5)], lambda x, k: x[0] ** k['exponent'], {'exponent': 2})
add('pow_tensor', lambda r: [r.rand(2, 3, lo=0.2, hi=2.0), r.randn(3)], lambda x, k: x[0] ** x[1])
add('rpow_scalar', lambda r: [r.randn(2, 3)], lambda x, k: k['base'] ** x[0], {'base': 2.0})
add('remainder_scalar', lambda r: [r.randn(6, scale=3.0)], lambda x, k: x[0].remainder(k['value']), {'value': 1.5})
add('remainder_tensor', lambda r: [r.randn(6, scale=3.0), r.away(6, lo=0.5)], lambda x, k: x[0].remainder(x[1]),
    grad=[True, False])
add('minimum', lambda r: [r.randn(3, 4), r.randn(4)], lambda x, k: torch.minimum(x[0], x[1]))
add('maximum', lambda r: [r.randn(3, 4), r.randn(3, 1)], lambda x, k: torch.maximum(x[0], x[1]))
add('atan2', lambda r: [r.away(5), r.away(5)], lambda x, k: torch.atan2(x[0], x[1]))
add('lerp', lambda r: [r.randn(4), r.randn(4)], lambda x, k: torch.lerp(x[0], x[1], k['weight']), {'weight': 0.25})
add('clamp_both', lambda r: [r.randn(3, 4)], lambda x, k: x[0].clamp(k['min'], k['max']), {'min': -0.5, 'max': 0.7})
add('clamp_min', lambda r: [r.randn(3, 4)], lambda x, k: x[0].clamp(min=k['min']), {'min': 0.1})
add('clamp_max', lambda r: [r.randn(3, 4)], lambda x, k: x[0].clamp(max=k['max']), {'max': -0.1})
UNARY = {
    'neg': (torch.neg, 'randn'), 'abs': (torch.abs, 'away'), 'exp': (torch.exp, 'randn'),
    'log': (torch.log, 'positive'), 'log1p': (torch.log1p, 'positive'), 'sqrt': (torch.sqrt, 'positive'),
    'rsqrt': (torch.rsqrt, 'positive'), 'square': (torch.square, 'randn'), 'reciprocal': (torch.reciprocal, 'away'),
    'sign': (torch.sign, 'away'), 'sin': (torch.sin, 'randn'), 'cos': (torch.cos, 'randn'), 'atan': (torch.atan, 'wide'),
    'floor': (torch.floor, 'wide'), 'ceil': (torch.ceil, 'wide'), 'trunc': (torch.trunc, 'wide'),
}
MAKERS = {
    'randn': lambda r: [r.randn(3, 4)], 'away': lambda r: [r.away(3, 4)],
    'positive': lambda r: [r.rand(3, 4, lo=0.1, hi=3.0)], 'wide': lambda r: [r.randn(3, 4, scale=3.0)],
}
for name, (f, maker) in UNARY.items():
    add(name, MAKERS[maker], lambda x, k, f=f: f(x[0]))
add('round_half_to_even', lambda r: [r.const([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 3.7, -3.2])],
    lambda x, k: x[0].round())

# ---- in place (optimizer and EMA arithmetic) ------------------------------------------------------------
add('add_inplace_alpha', lambda r: [r.randn(2, 3), r.randn(2, 3)], lambda x, k: x[0].clone().add_(x[1], alpha=k['alpha']),
    {'alpha': -0.5}, grad=False)
add('add_inplace_scalar', lambda r: [r.randn(4)], lambda x, k: x[0].clone().add_(k['value']), {'value': 0.75}, grad=False)
add('mul_inplace', lambda r: [r.randn(2, 3), r.randn(3)], lambda x, k: x[0].clone().mul_(x[1]), grad=False)
add('mul_inplace_scalar', lambda r: [r.randn(4)], lambda x, k: x[0].clone().mul_(k['value']), {'value': 0.9}, grad=False)
add('div_inplace', lambda r: [r.randn(2, 3), r.away(2, 3)], lambda x, k: x[0].clone().div_(x[1]), grad=False)
add('addcmul_inplace', lambda r: [r.randn(5), r.randn(5), r.randn(5)],
    lambda x, k: x[0].clone().addcmul_(x[1], x[2], value=k['value']), {'value': 0.3}, grad=False)
add('addcdiv_inplace', lambda r: [r.randn(5), r.randn(5), r.rand(5, lo=0.5, hi=2.0)],
    lambda x, k: x[0].clone().addcdiv_(x[1], x[2], value=k['value']), {'value': -0.2}, grad=False)
add('lerp_inplace_ema', lambda r: [r.randn(6), r.randn(6)], lambda x, k: x[0].clone().lerp_(x[1], k['weight']),
    {'weight': 0.0001}, grad=False)
add('copy_inplace_broadcast', lambda r: [r.randn(2, 3), r.randn(3)], lambda x, k: x[0].clone().copy_(x[1]), grad=False)
add('fill_inplace', lambda r: [r.randn(2, 2)], lambda x, k: x[0].clone().fill_(k['value']), {'value': 3.25}, grad=False)
add('zero_inplace', lambda r: [r.randn(2, 2)], lambda x, k: x[0].clone().zero_(), grad=False)
add('clamp_min_inplace', lambda r: [r.randn(6)], lambda x, k: x[0].clone().clamp_min_(k['min']), {'min': 0.0}, grad=False)
add('sqrt_inplace', lambda r: [r.rand(5, lo=0.1, hi=4.0)], lambda x, k: x[0].clone().sqrt_(), grad=False)

# ---- comparisons and logic ----------------------------------------------------------------------------
def small_ints(r):
    return [r.randint(0, 3, 3, 4).float(), r.randint(0, 3, 4).float()]


for name in ['eq', 'ne', 'lt', 'le', 'gt', 'ge']:
    add(name, small_ints, lambda x, k, name=name: getattr(x[0], name)(x[1]), grad=False)
    add(f'{name}_scalar', lambda r: [r.randint(0, 3, 3, 4).float()],
        lambda x, k, name=name: getattr(x[0], name)(k['value']), {'value': 1.0}, grad=False)


def bools(r):
    return [r.randint(0, 2, 3, 4, dtype=torch.bool), r.randint(0, 2, 4, dtype=torch.bool)]


add('logical_and', bools, lambda x, k: torch.logical_and(x[0], x[1]))
add('logical_or', bools, lambda x, k: torch.logical_or(x[0], x[1]))
add('logical_xor', bools, lambda x, k: torch.logical_xor(x[0], x[1]))
add('logical_not', lambda r: [r.randint(0, 2, 2, 3, dtype=torch.bool)], lambda x, k: torch.logical_not(x[0]))
add('isnan', lambda r: [r.const([float('nan'), float('inf'), float('-inf'), 1.0, 0.0, -2.0])],
    lambda x, k: x[0].isnan(), grad=False)
add('isfinite', lambda r: [r.const([float('nan'), float('inf'), float('-inf'), 1.0, 0.0, -2.0])],
    lambda x, k: x[0].isfinite(), grad=False)

# ---- reductions, sorting, scans ------------------------------------------------------------------------
add('sum_all', lambda r: [r.randn(3, 4, 2)], lambda x, k: x[0].sum())
add('sum_dim1', lambda r: [r.randn(3, 4, 2)], lambda x, k: x[0].sum(k['dims']), {'dims': [1]})
add('sum_dims_keepdim', lambda r: [r.randn(3, 4, 2)], lambda x, k: x[0].sum(k['dims'], keepdim=k['keepdim']),
    {'dims': [0, 2], 'keepdim': True})
add('sum_int64', lambda r: [r.randint(-5, 5, 3, 4)], lambda x, k: x[0].sum())
add('sum_bool', lambda r: [r.randint(0, 2, 3, 4, dtype=torch.bool)], lambda x, k: x[0].sum(k['dims']), {'dims': [1]})
add('mean_all', lambda r: [r.randn(3, 4)], lambda x, k: x[0].mean())
add('mean_dim_keepdim', lambda r: [r.randn(3, 4, 2)], lambda x, k: x[0].mean(k['dims'], keepdim=k['keepdim']),
    {'dims': [-1], 'keepdim': True})
add('amax_dim1', lambda r: [r.randn(3, 4, 2)], lambda x, k: x[0].amax(k['dims']), {'dims': [1]})
add('amin_dims01_keepdim', lambda r: [r.randn(3, 4, 2)], lambda x, k: x[0].amin(k['dims'], keepdim=k['keepdim']),
    {'dims': [0, 1], 'keepdim': True})
add('max_all', lambda r: [r.randn(3, 4)], lambda x, k: x[0].max())
add('min_all', lambda r: [r.randn(3, 4)], lambda x, k: x[0].min())
add('argmax_dim1', lambda r: [r.randn(3, 5)], lambda x, k: x[0].argmax(k['dim']), {'dim': 1})
add('argmax_dim0_keepdim', lambda r: [r.randn(3, 5)], lambda x, k: x[0].argmax(k['dim'], keepdim=k['keepdim']),
    {'dim': 0, 'keepdim': True})
add('argmin_last', lambda r: [r.randn(2, 3, 4)], lambda x, k: x[0].argmin(k['dim']), {'dim': -1})
add('max_dim', lambda r: [r.randn(3, 4)], lambda x, k: x[0].max(k['dim']), {'dim': 1})
add('min_dim_keepdim', lambda r: [r.randn(3, 4)], lambda x, k: x[0].min(k['dim'], keepdim=k['keepdim']),
    {'dim': 0, 'keepdim': True})
add('topk_largest', lambda r: [r.randn(3, 6)], lambda x, k: x[0].topk(k['k'], k['dim']), {'k': 3, 'dim': -1})
add('topk_smallest_dim0', lambda r: [r.randn(5, 3)], lambda x, k: x[0].topk(k['k'], k['dim'], largest=False),
    {'k': 2, 'dim': 0})
add('sort_ascending', lambda r: [r.randn(3, 5)], lambda x, k: x[0].sort(k['dim']), {'dim': 1})
add('sort_descending_dim0', lambda r: [r.randn(4, 3)], lambda x, k: x[0].sort(k['dim'], descending=True), {'dim': 0})
add('sort_stable_ties', lambda r: [r.randint(0, 3, 12).float()],
    lambda x, k: x[0].sort(stable=True, dim=k['dim'], descending=True), {'dim': 0}, grad=False)
add('argsort_descending', lambda r: [r.randn(2, 5)], lambda x, k: x[0].argsort(k['dim'], descending=True), {'dim': 1})
add('cumsum_dim1', lambda r: [r.randn(3, 4)], lambda x, k: x[0].cumsum(k['dim']), {'dim': 1})
add('cumsum_dim0', lambda r: [r.randn(4, 2)], lambda x, k: x[0].cumsum(k['dim']), {'dim': 0})
add('prod', lambda r: [r.away(6, lo=0.5, hi=1.5)], lambda x, k: x[0].prod())
add('norm_p2_all', lambda r: [r.randn(3, 4)], lambda x, k: x[0].norm(k['p']), {'p': 2})
add('norm_p1_dim', lambda r: [r.away(3, 4)], lambda x, k: x[0].norm(k['p'], k['dims']), {'p': 1, 'dims': [1]})
add('var_dim_unbiased', lambda r: [r.randn(3, 5)], lambda x, k: x[0].var(k['dims'], unbiased=True), {'dims': [1]})
add('var_all_dims_keepdim', lambda r: [r.randn(2, 3)], lambda x, k: x[0].var(k['dims'], unbiased=True, keepdim=k['keepdim']),
    {'dims': [0, 1], 'keepdim': True})
add('var_all_biased', lambda r: [r.randn(3, 4)], lambda x, k: x[0].var(unbiased=False))
add('any', lambda r: [r.const([0.0, 0.0, 2.0, 0.0])], lambda x, k: x[0].any(), grad=False)
add('all', lambda r: [r.const([1.0, 0.0, 2.0, 3.0])], lambda x, k: x[0].all(), grad=False)
add('count_nonzero', lambda r: [r.const([[1.0, 0.0, 2.0], [0.0, 0.0, -1.0]])], lambda x, k: x[0].count_nonzero(),
    grad=False)

# ---- matrix products -------------------------------------------------------------------------------------
add('matmul_2d', lambda r: [r.randn(3, 4), r.randn(4, 5)], lambda x, k: x[0] @ x[1])
add('matmul_batched_broadcast', lambda r: [r.randn(2, 3, 4), r.randn(4, 2)], lambda x, k: x[0] @ x[1])
add('matmul_bmm', lambda r: [r.randn(2, 2, 3), r.randn(2, 3, 2)], lambda x, k: x[0] @ x[1])
add('matmul_vector_matrix', lambda r: [r.randn(4), r.randn(4, 3)], lambda x, k: x[0] @ x[1])
add('matmul_float64', lambda r: [r.randn(2, 3, dtype=torch.float64), r.randn(3, 2, dtype=torch.float64)],
    lambda x, k: x[0] @ x[1])
add('linear_bias', lambda r: [r.randn(3, 4), r.randn(5, 4), r.randn(5)], lambda x, k: F.linear(x[0], x[1], x[2]))


# ---- losses --------------------------------------------------------------------------------------------------
def bce_inputs(r):
    hard = r.randint(0, 2, 4, 3).float()
    soft = r.rand(4, 3)
    pick = r.randint(0, 2, 4, 3).bool()
    return [r.randn(4, 3, scale=2.0), torch.where(pick, hard, soft)]


BCE_GRAD = [True, False, False]
for red in ['mean', 'sum', 'none']:
    add(f'bce_with_logits_{red}', bce_inputs,
        lambda x, k: F.binary_cross_entropy_with_logits(x[0], x[1], reduction=k['reduction']), {'reduction': red}, BCE_GRAD)
add('bce_with_logits_pos_weight', lambda r: bce_inputs(r) + [r.rand(3, lo=0.5, hi=3.0)],
    lambda x, k: F.binary_cross_entropy_with_logits(x[0], x[1], pos_weight=x[2], reduction=k['reduction']),
    {'reduction': 'mean'}, BCE_GRAD)
add('bce_with_logits_pos_weight_none', lambda r: bce_inputs(r) + [r.rand(3, lo=0.5, hi=3.0)],
    lambda x, k: F.binary_cross_entropy_with_logits(x[0], x[1], pos_weight=x[2], reduction=k['reduction']),
    {'reduction': 'none'}, BCE_GRAD)
add('bce_with_logits_weight_sum', lambda r: bce_inputs(r) + [r.rand(4, 3)],
    lambda x, k: F.binary_cross_entropy_with_logits(x[0], x[1], weight=x[2], reduction=k['reduction']),
    {'reduction': 'sum'}, BCE_GRAD)
for red in ['mean', 'sum', 'none']:
    add(f'mse_loss_{red}', lambda r: [r.randn(3, 4), r.randn(3, 4)],
        lambda x, k: F.mse_loss(x[0], x[1], reduction=k['reduction']), {'reduction': red})
for red in ['mean', 'sum']:
    add(f'l1_loss_{red}', lambda r: [r.randn(3, 4), r.randn(3, 4)],
        lambda x, k: F.l1_loss(x[0], x[1], reduction=k['reduction']), {'reduction': red})
add('smooth_l1_loss_mean', lambda r: [r.randn(3, 4), r.randn(3, 4)],
    lambda x, k: F.smooth_l1_loss(x[0], x[1], reduction=k['reduction'], beta=k['beta']), {'reduction': 'mean', 'beta': 1.0})
add('smooth_l1_loss_sum_beta', lambda r: [r.randn(3, 4), r.randn(3, 4)],
    lambda x, k: F.smooth_l1_loss(x[0], x[1], reduction=k['reduction'], beta=k['beta']), {'reduction': 'sum', 'beta': 0.5})


def kd(x, k):
    t = k['temperature']
    return F.kl_div(F.log_softmax(x[0] / t, 1), F.softmax(x[1] / t, 1), reduction=k['reduction'])


add('kl_div_batchmean_distill', lambda r: [r.randn(3, 4, scale=2.0), r.randn(3, 4, scale=2.0)], kd,
    {'reduction': 'batchmean', 'temperature': 2.0})
add('kl_div_sum_distill', lambda r: [r.randn(3, 4, scale=2.0), r.randn(3, 4, scale=2.0)], kd,
    {'reduction': 'sum', 'temperature': 1.0})
for red in ['batchmean', 'sum', 'mean', 'none']:
    add(f'kl_div_{red}', lambda r: [r.randn(2, 3), r.rand(2, 3, lo=0.05, hi=1.0)],
        lambda x, k: F.kl_div(x[0], x[1], reduction=k['reduction']), {'reduction': red})
add('cross_entropy', lambda r: [r.randn(4, 5), r.const([1, 0, 4, 2], torch.int64)],
    lambda x, k: F.cross_entropy(x[0], x[1]))
add('cross_entropy_label_smoothing_sum', lambda r: [r.randn(4, 5), r.const([3, 3, 0, 1], torch.int64)],
    lambda x, k: F.cross_entropy(x[0], x[1], reduction=k['reduction'], label_smoothing=k['label_smoothing']),
    {'reduction': 'sum', 'label_smoothing': 0.1})

# ---- advanced indexing ---------------------------------------------------------------------------------------
add('index_b_a_gj_gi', lambda r: [r.randn(2, 3, 4, 5), r.randint(0, 2, 6), r.randint(0, 3, 6), r.randint(0, 4, 6),
                                  r.randint(0, 5, 6)],
    lambda x, k: x[0][x[1], x[2], x[3], x[4]])
add('index_first_dim', lambda r: [r.randn(4, 2, 3), r.const([3, 0, 3], torch.int64)], lambda x, k: x[0][x[1]])
add('index_after_full_slice', lambda r: [r.randn(2, 4, 3), r.const([1, 3], torch.int64)], lambda x, k: x[0][:, x[1]])
add('index_broadcast_indices', lambda r: [r.randn(3, 4), r.const([[0], [2]], torch.int64), r.const([1, 3, 0], torch.int64)],
    lambda x, k: x[0][x[1], x[2]])
add('index_bool_mask', lambda r: [r.randn(3, 4), r.randint(0, 2, 3, 4, dtype=torch.bool)], lambda x, k: x[0][x[1]])
add('index_put_accumulate', lambda r: [r.randn(4, 3), r.const([0, 2, 0, 3, 0], torch.int64),
                                       r.const([1, 2, 1, 0, 1], torch.int64), r.randn(5)],
    lambda x, k: x[0].clone().index_put_((x[1], x[2]), x[3], accumulate=True))
add('index_put_replace', lambda r: [r.randn(4, 3), r.const([0, 2, 3], torch.int64), r.const([1, 2, 0], torch.int64),
                                    r.randn(3)],
    lambda x, k: x[0].clone().index_put_((x[1], x[2]), x[3], accumulate=False))
add('index_put_accumulate_rows', lambda r: [r.randn(3, 2), r.const([2, 0, 2], torch.int64), r.randn(3, 2)],
    lambda x, k: x[0].clone().index_put_((x[1],), x[2], accumulate=True))

# ---- creation ------------------------------------------------------------------------------------------------
def none(r):
    return []


add('linspace_0_1', none, lambda x, k: torch.linspace(k['start'], k['end'], k['steps']), {'start': 0, 'end': 1, 'steps': 5})
add('linspace_negative', none, lambda x, k: torch.linspace(k['start'], k['end'], k['steps']),
    {'start': -2, 'end': 3, 'steps': 7})
add('arange_end', none, lambda x, k: torch.arange(k['end']), {'end': 5})
add('arange_start_step', none, lambda x, k: torch.arange(k['start'], k['end'], k['step']),
    {'start': 2, 'end': 11, 'step': 3})
add('arange_float_step', none, lambda x, k: torch.arange(k['start'], k['end'], k['step']),
    {'start': 0, 'end': 1, 'step': 0.25})
add('arange_float_start', none, lambda x, k: torch.arange(k['start'], k['end']), {'start': 0.5, 'end': 3})
add('arange_float64', none, lambda x, k: torch.arange(k['start'], k['end'], k['step'], dtype=torch.float64),
    {'start': 0, 'end': 2, 'step': 0.5})
add('eye', none, lambda x, k: torch.eye(k['n']), {'n': 3})
add('zeros', none, lambda x, k: torch.zeros(k['shape']), {'shape': [2, 3]})
add('ones_int64', none, lambda x, k: torch.ones(k['shape'], dtype=torch.int64), {'shape': [2, 2]})
add('full', none, lambda x, k: torch.full(k['shape'], k['value']), {'shape': [2, 3], 'value': 1.5})
add('full_bool', none, lambda x, k: torch.full(k['shape'], True), {'shape': [3]})
add('zeros_like', lambda r: [r.randint(0, 5, 2, 3)], lambda x, k: torch.zeros_like(x[0]))
add('ones_like', lambda r: [r.randn(2, 2)], lambda x, k: torch.ones_like(x[0]), grad=False)
add('full_like', lambda r: [r.randn(3)], lambda x, k: torch.full_like(x[0], k['value']), {'value': -0.25}, grad=False)



# ---- seeded random numbers: a Generator seeded alike draws the same numbers in libtorch -------------
def seeded(draw):
    return lambda x, k: draw(x, k, torch.Generator().manual_seed(k['seed']))


add('randn_seeded', none, seeded(lambda x, k, g: torch.randn(k['shape'], generator=g)), {'seed': 7, 'shape': [2, 3]})
add('randn_seeded_vectorised', none, seeded(lambda x, k, g: torch.randn(k['shape'], generator=g)),
    {'seed': 8, 'shape': [20]})
add('randn_seeded_float64', none, seeded(lambda x, k, g: torch.randn(k['shape'], generator=g, dtype=torch.float64)),
    {'seed': 9, 'shape': [4]})
add('rand_seeded', none, seeded(lambda x, k, g: torch.rand(k['shape'], generator=g)), {'seed': 10, 'shape': [5]})
add('randint_seeded', none, seeded(lambda x, k, g: torch.randint(k['low'], k['high'], k['shape'], generator=g)),
    {'seed': 11, 'low': -3, 'high': 4, 'shape': [8]})
add('randperm_seeded', none, seeded(lambda x, k, g: torch.randperm(k['n'], generator=g)), {'seed': 12, 'n': 10})
add('uniform_inplace_seeded', none,
    seeded(lambda x, k, g: torch.empty(k['shape']).uniform_(k['low'], k['high'], generator=g)),
    {'seed': 13, 'shape': [6], 'low': -0.5, 'high': 2.0})
add('normal_inplace_seeded', none,
    seeded(lambda x, k, g: torch.empty(k['shape']).normal_(k['mean'], k['std'], generator=g)),
    {'seed': 14, 'shape': [6], 'mean': 1.0, 'std': 0.01})
add('detach_stops_grad', lambda r: [r.randn(4)], lambda x, k: x[0] * 2 + x[0].detach() ** 2)
add('scalar_tensor', none, lambda x, k: torch.tensor(k['value']), {'value': -1.25})


def main():
    about = 'Golden values of the tensor ops for test/torch/ops.test.ts; made by test/golden/make_ops.py'
    head = json.dumps({'about': about, 'torch': torch.__version__})
    lines = [json.dumps(c, separators=(',', ':')) for c in CASES]
    with open(OUT, 'w') as f:  # one case a line, so a diff shows which cases changed
        f.write(head[:-1] + ', "cases": [\n' + ',\n'.join(lines) + '\n]}\n')
    print(f'wrote {len(CASES)} cases to {OUT} ({os.path.getsize(OUT)} bytes)')


if __name__ == '__main__':
    main()
