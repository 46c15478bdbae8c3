# The PyTorch side of bench/engine: builds the same network from yolotrim's ModelSpec (JSON on the
# first stdin line), then answers commands from stdin, one JSON line each:
#   {"cmd": "forward"|"train", "reps": N}  ->  {"ms": [per-iteration milliseconds]}
#   {"cmd": "tiny", "calls": N}            ->  {"us": microseconds per call of a tiny in-place op}
# Run by bench/engine/run.ts with /usr/bin/python3 (Debian's python3-torch).
import json
import sys
import time

import torch
import torch.nn as nn


class ConvBnAct(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c['c1'], c['c2'], c['k'], c['s'], c['p'], groups=c['g'], dilation=c['d'], bias=False)
        self.bn = nn.BatchNorm2d(c['c2'], eps=1e-3, momentum=0.03)
        self.act = nn.SiLU() if c['act'] else nn.Identity()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, b):
        super().__init__()
        self.cv1, self.cv2, self.add = ConvBnAct(b['cv1']), ConvBnAct(b['cv2']), b['add']

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C3(nn.Module):
    def __init__(self, l):
        super().__init__()
        self.cv1, self.cv2, self.cv3 = ConvBnAct(l['cv1']), ConvBnAct(l['cv2']), ConvBnAct(l['cv3'])
        self.m = nn.Sequential(*[Bottleneck(b) for b in l['m']])

    def forward(self, x):
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class SPPF(nn.Module):
    def __init__(self, l):
        super().__init__()
        self.cv1, self.cv2 = ConvBnAct(l['cv1']), ConvBnAct(l['cv2'])
        self.m = nn.MaxPool2d(l['k'], 1, l['k'] // 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.cv2(torch.cat((x, y1, y2, self.m(y2)), 1))


class Concat(nn.Module):
    def __init__(self, l):
        super().__init__()
        self.d = l['dim']

    def forward(self, xs):
        return torch.cat(xs, self.d)


class Detect(nn.Module):
    def __init__(self, l):
        super().__init__()
        self.na = len(l['anchors'][0]) // 2
        self.no = l['nc'] + 5
        self.m = nn.ModuleList(nn.Conv2d(c, self.no * self.na, 1) for c in l['ch'])

    def forward(self, xs):
        out = []
        for conv, x in zip(self.m, xs):
            y = conv(x)
            bs, _, ny, nx = y.shape
            out.append(y.view(bs, self.na, self.no, ny, nx).permute(0, 1, 3, 4, 2).contiguous())
        return out


def build(spec):
    layers = []
    for l in spec['layers']:
        t = l['type']
        if t == 'Conv':
            layers.append(ConvBnAct(l['conv']))
        elif t == 'C3':
            layers.append(C3(l))
        elif t == 'SPPF':
            layers.append(SPPF(l))
        elif t == 'Concat':
            layers.append(Concat(l))
        elif t == 'Upsample':
            layers.append(nn.Upsample(None, l['scale'], 'nearest'))
        elif t == 'Detect':
            layers.append(Detect(l))
        else:
            raise ValueError('unsupported layer ' + t)
    return layers


class Net(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.froms = [l['from'] for l in spec['layers']]
        self.model = nn.Sequential(*build(spec))

    def forward(self, x):
        ys = []
        for i, (m, f) in enumerate(zip(self.model, self.froms)):
            ins = [x if (i + j if j < 0 else j) < 0 else ys[i + j if j < 0 else j] for j in f]
            x_in = ins if isinstance(m, (Concat, Detect)) else ins[0]
            ys.append(m(x_in))
        return ys[-1]


def main():
    setup = json.loads(sys.stdin.readline())
    torch.set_num_threads(setup['threads'])
    torch.manual_seed(0)
    net = Net(setup['spec'])
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.937, nesterov=True, weight_decay=5e-4)
    x = torch.rand(setup['batch'], 3, setup['img'], setup['img'])

    def forward():
        net.eval()
        with torch.no_grad():
            net(x)

    def train():
        net.train()
        opt.zero_grad()
        loss = sum(r.pow(2).mean() for r in net(x))
        loss.backward()
        opt.step()

    print(json.dumps({'ready': True, 'threads': torch.get_num_threads(), 'torch': torch.__version__}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd['cmd'] in ('forward', 'train'):
            fn = forward if cmd['cmd'] == 'forward' else train
            ms = []
            for _ in range(cmd['reps']):
                t0 = time.perf_counter()
                fn()
                ms.append((time.perf_counter() - t0) * 1e3)
            print(json.dumps({'ms': ms}), flush=True)
        elif cmd['cmd'] == 'tiny':
            a = torch.zeros(1)
            n = cmd['calls']
            t0 = time.perf_counter()
            for _ in range(n):
                a.add_(1)
            print(json.dumps({'us': (time.perf_counter() - t0) * 1e6 / n}), flush=True)
        else:
            break


if __name__ == '__main__':
    main()
