# Golden values for test/torch/optim.test.ts, from real PyTorch.
# Rerun: /usr/bin/python3 test/golden/make_optim.py   (Debian's python3-torch, torch 1.13)
# Writes test/golden/optim.json: initial params, 4 steps of fixed gradients, and the params after
# each step for SGD (plain, momentum, nesterov + weight decay), Adam and AdamW, with two param groups.
import json
import os

import torch

torch.manual_seed(0)
p0 = [torch.randn(3, 2, dtype=torch.float64), torch.randn(4, dtype=torch.float64)]
grads = [[torch.randn_like(p) for p in p0] for _ in range(4)]

configs = {
    'sgd': (torch.optim.SGD, dict(lr=0.1), dict(lr=0.05)),
    'sgd_momentum': (torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1), dict(lr=0.05)),
    'sgd_nesterov_wd': (torch.optim.SGD, dict(lr=0.01, momentum=0.937, nesterov=True, weight_decay=5e-4), dict(lr=0.02, weight_decay=0.0)),
    'adam': (torch.optim.Adam, dict(lr=0.01, betas=(0.937, 0.999), weight_decay=1e-3), dict(lr=0.02)),
    'adamw': (torch.optim.AdamW, dict(lr=0.01, betas=(0.9, 0.99), weight_decay=0.05), dict(lr=0.02, weight_decay=0.0)),
}

out = {'params': [p.flatten().tolist() for p in p0], 'shapes': [list(p.shape) for p in p0],
       'grads': [[g.flatten().tolist() for g in step] for step in grads], 'cases': {}}
for name, (cls, g0, g1) in configs.items():
    params = [p.clone().requires_grad_(True) for p in p0]
    opt = cls([dict(params=[params[0]], **g0), dict(params=[params[1]], **g1)], lr=g0['lr'])
    steps = []
    for step in grads:
        for p, g in zip(params, step):
            p.grad = g.clone()
        opt.step()
        steps.append([p.detach().flatten().tolist() for p in params])
    out['cases'][name] = {'groups': [g0, g1], 'steps': steps}

path = os.path.join(os.path.dirname(__file__), 'optim.json')
with open(path, 'w') as f:
    json.dump(out, f)
print('wrote', path)
