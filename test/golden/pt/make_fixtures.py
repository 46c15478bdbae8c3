"""Makes the golden fixtures of test/model/import-pt.test.ts with real PyTorch and pickle.

Run from the repository root with Debian's Python (it has torch 1.13):
    /usr/bin/python3 test/golden/pt/make_fixtures.py

Writes, beside this script:
  tiny.pt           torch.save of a YOLOv5-shaped checkpoint dict (pickle protocol 2, stored zip)
                    whose 'ema' and 'model' are a small module tree with views (storage offsets,
                    transposed strides, shared storages), fp16/bf16/bool/int32/float64 tensors,
                    a non-persistent buffer and a None parameter
  tiny_p4.pt        the same saved with pickle protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL, ...)
  tiny_deflated.pt  tiny.pt's entries re-zipped with deflate
  tiny.json         ema.state_dict() as PyTorch gives it: key order, dtype, shape, values
                    (float16/bfloat16 as raw 16-bit patterns, bool as 0/1), plus the plain
                    attributes the importer should report
  data_p2.pkl, data_p5.pkl  pickle.dumps of plain Python data with protocols 2 and 5
"""
import collections
import copy
import json
import os
import pickle
import sys
import types
import zipfile

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))

# A class that pickles as 'models.common.Tiny', a name the importer's allowlist accepts.
models = types.ModuleType('models')
common = types.ModuleType('models.common')
models.common = common
sys.modules['models'] = models
sys.modules['models.common'] = common


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.yaml = {'nc': 2, 'depth_multiple': 0.33, 'anchors': [[10, 13, 16, 30]], 'head': [[-1, 1, 'Conv', [8, 3, 2]]]}
        self.names = {0: 'cat', 1: 'dog'}
        self.nc = 2
        self.stride = torch.tensor([8.0, 16.0, 32.0])
        self.model = nn.Sequential(nn.Conv2d(3, 4, 3, bias=False), nn.BatchNorm2d(4), nn.SiLU())
        base = torch.arange(24, dtype=torch.float32).reshape(4, 6) * 0.37
        self.tview = nn.Parameter(base.t())  # transposed strides (1, 6) on base's storage
        self.oview = nn.Parameter(base[1:3, 2:5])  # storage offset 8, strides (6, 1), same storage
        self.register_parameter('nothing', None)
        self.register_buffer('halfbuf', torch.tensor([0.1, -2.5, 65504.0, 1e-7]).half())
        self.register_buffer('bf', torch.tensor([1.5, -3.0, 1e30]).bfloat16())
        self.register_buffer('flags', torch.tensor([True, False, True]))
        self.register_buffer('ints', torch.tensor([[1, -2], [3, 2**31 - 1]], dtype=torch.int32))
        self.register_buffer('dbl', torch.tensor([3.14159, -1e-300], dtype=torch.float64))
        self.register_buffer('scratch', torch.ones(2), persistent=False)
        self.register_buffer('empty', torch.zeros(0, 3))
        self.register_buffer('col', torch.arange(12, dtype=torch.int64).reshape(3, 4)[:, 1])  # strided 1-d view


Tiny.__module__ = 'models.common'
common.Tiny = Tiny


def encode(t):
    if t.dtype in (torch.float16, torch.bfloat16):
        return [v & 0xFFFF for v in t.contiguous().view(torch.int16).flatten().tolist()]
    if t.dtype == torch.bool:
        return [int(v) for v in t.flatten().tolist()]
    return t.flatten().tolist()


def main():
    torch.manual_seed(0)
    ema = Tiny()
    with torch.no_grad():
        ema.model[0].weight.copy_(torch.randn(4, 3, 3, 3))
        ema.model[1].running_mean.copy_(torch.randn(4))
        ema.model[1].running_var.copy_(torch.rand(4) + 0.5)
        ema.model[1].num_batches_tracked.fill_(7)
    model = copy.deepcopy(ema)
    with torch.no_grad():
        model.model[0].weight.mul_(2)  # so that a test can tell 'ema' from 'model'
    ckpt = {'epoch': 3, 'best_fitness': 0.5, 'model': model, 'ema': ema, 'updates': 10, 'optimizer': None,
            'date': '2024-01-01T00:00:00'}
    torch.save(ckpt, os.path.join(HERE, 'tiny.pt'))
    torch.save(ckpt, os.path.join(HERE, 'tiny_p4.pt'), pickle_protocol=4)
    with zipfile.ZipFile(os.path.join(HERE, 'tiny.pt')) as src, \
            zipfile.ZipFile(os.path.join(HERE, 'tiny_deflated.pt'), 'w', zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))

    sd = ema.state_dict()
    expected = {
        'state_dict': [{'name': k, 'dtype': str(v.dtype).replace('torch.', ''), 'shape': list(v.shape), 'values': encode(v)}
                       for k, v in sd.items()],
        'conv': {'in_channels': 3, 'out_channels': 4, 'kernel_size': [3, 3], 'groups': 1},
        'names': ['cat', 'dog'],
        'stride': [8.0, 16.0, 32.0],
        'nc': 2,
        'yaml': ema.yaml,
        'meta': {'epoch': 3, 'best_fitness': 0.5, 'updates': 10, 'optimizer': None, 'date': '2024-01-01T00:00:00'},
    }
    with open(os.path.join(HERE, 'tiny.json'), 'w') as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write('\n')

    data = {
        'small': [0, 1, 255, 256, 65535, 65536, -1, -129, 2**31 - 1, -2**31],
        'big': [2**40, -2**40, 2**53 - 1, 2**63 - 1, -2**63, 2**70],
        'floats': [0.0, -1.5, 1e300, 3.141592653589793],
        'text': ['', 'ascii', 'héllo wörld ✓', 'x' * 300],
        'bytes': [b'', b'\x00\x01\xff', bytes(range(256)) * 2],
        'tuple': (1, (2, 3), (4, 5, 6), (7, 8, 9, 10)),
        'flags': [True, False, None],
        'set': {1, 2, 3},
        'frozen': frozenset(['a']),
        'od': collections.OrderedDict([('b', 1), ('a', 2)]),
        'intkeys': {0: 'zero', 7: 'seven'},
        'shared': None,
    }
    shared = [1, 2]
    data['shared'] = [shared, shared]
    for proto in (2, 5):
        with open(os.path.join(HERE, f'data_p{proto}.pkl'), 'wb') as f:
            f.write(pickle.dumps(data, protocol=proto))


if __name__ == '__main__':
    main()
