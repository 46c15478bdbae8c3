// YOLOv5's building blocks over a parameter-store path whose names equal the checkpoint keys.
// Every block takes its inputs as a list (one tensor, or several for Concat/Detect).
import { Tensor, F, cat, keep, unkeep, noGrad, arange, meshgrid, stack, tensor, scope } from '../torch/index.js';
import { Conv2d, BatchNorm2d, type StorePath } from '../torch/nn/index.js';
import type { BottleneckSpec, ConvSpec } from './spec.js';

/** YOLOv5's BatchNorm settings (initialize_weights): eps 1e-3, momentum 0.03. */
export const BN_EPS = 1e-3;
export const BN_MOMENTUM = 0.03;

export interface Block {
  forward(inputs: Tensor[]): Tensor;
}

/** YOLOv5's Conv: conv (no bias) + BatchNorm (eps 1e-3, momentum 0.03) + SiLU; fused: conv with bias. */
export class ConvBnAct {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d | null;

  constructor(path: StorePath, readonly spec: ConvSpec, fused = false) {
    this.conv = new Conv2d(path.sub('conv'), {
      inChannels: spec.c1, outChannels: spec.c2, kernel: spec.k, stride: spec.s, padding: spec.p, groups: spec.g, dilation: spec.d, bias: fused,
    });
    this.bn = fused ? null : new BatchNorm2d(path.sub('bn'), { numFeatures: spec.c2, eps: BN_EPS, momentum: BN_MOMENTUM });
  }

  run(x: Tensor): Tensor {
    const y = this.conv.forward(x);
    if (!this.bn) return this.spec.act ? y.silu() : y;
    const z = this.bn.forward(y);
    y.dispose();
    if (!this.spec.act) return z;
    const a = z.silu();
    z.dispose();
    return a;
  }

  forward(inputs: Tensor[]): Tensor {
    return this.run(inputs[0]!);
  }
}

export class Bottleneck {
  readonly cv1: ConvBnAct;
  readonly cv2: ConvBnAct;

  constructor(path: StorePath, readonly spec: BottleneckSpec, fused = false) {
    this.cv1 = new ConvBnAct(path.sub('cv1'), spec.cv1, fused);
    this.cv2 = new ConvBnAct(path.sub('cv2'), spec.cv2, fused);
  }

  run(x: Tensor): Tensor {
    const h = this.cv1.run(x);
    const y = this.cv2.run(h);
    h.dispose();
    if (!this.spec.add) return y;
    const out = x.add(y);
    y.dispose();
    return out;
  }

  forward(inputs: Tensor[]): Tensor {
    return this.run(inputs[0]!);
  }
}

export class C3 {
  constructor(readonly cv1: ConvBnAct, readonly cv2: ConvBnAct, readonly cv3: ConvBnAct, readonly m: Bottleneck[]) {}

  forward(inputs: Tensor[]): Tensor {
    const x = inputs[0]!;
    let a = this.cv1.run(x);
    for (const b of this.m) {
      const next = b.run(a);
      a.dispose();
      a = next;
    }
    const b = this.cv2.run(x);
    const joined = cat([a, b], 1);
    a.dispose();
    b.dispose();
    const out = this.cv3.run(joined);
    joined.dispose();
    return out;
  }
}

/** SPPF (k, k, k max pools in a chain) and SPP (parallel pools of several sizes). */
export class SpatialPyramid {
  constructor(readonly cv1: ConvBnAct, readonly cv2: ConvBnAct, readonly kernels: number[], readonly chained: boolean) {}

  forward(inputs: Tensor[]): Tensor {
    const x = this.cv1.run(inputs[0]!);
    const parts = [x];
    for (const k of this.kernels) {
      const src = this.chained ? parts[parts.length - 1]! : x;
      parts.push(F.maxPool2d(src, k, { stride: 1, padding: Math.floor(k / 2) }));
    }
    const joined = cat(parts, 1);
    for (const p of parts) p.dispose();
    const out = this.cv2.run(joined);
    joined.dispose();
    return out;
  }
}

export class Focus {
  constructor(readonly conv: ConvBnAct) {}

  forward(inputs: Tensor[]): Tensor {
    const x = inputs[0]!;
    const parts = [[0, 0], [1, 0], [0, 1], [1, 1]].map(([r, c]) => {
      const rows = x.slice(2, r!, undefined, 2);
      const out = rows.slice(3, c!, undefined, 2);
      rows.dispose();
      return out;
    });
    const joined = cat(parts, 1);
    for (const p of parts) p.dispose();
    const out = this.conv.run(joined);
    joined.dispose();
    return out;
  }
}

export class Concat {
  constructor(readonly dim: number) {}
  forward(inputs: Tensor[]): Tensor {
    return cat(inputs, this.dim);
  }
}

export class Upsample {
  constructor(readonly scale: number) {}
  forward(inputs: Tensor[]): Tensor {
    return F.upsampleNearest2d(inputs[0]!, { scale: this.scale });
  }
}

/** Detect: a 1x1 conv per level; raw outputs [bs, na, ny, nx, 5 + nc]; decoded boxes in eval. */
export class Detect {
  readonly m: Conv2d[];
  readonly anchors: Tensor;
  readonly na: number;
  readonly no: number;
  private readonly grids = new Map<string, { grid: Tensor; anchorGrid: Tensor }>();

  constructor(path: StorePath, readonly nc: number, anchorsPx: number[][], ch: number[], readonly stride: number[]) {
    this.na = anchorsPx[0]!.length / 2;
    this.no = nc + 5;
    // the buffer holds anchors in grid units (pixels / stride), as YOLOv5 stores it
    this.anchors = path.buffer('anchors', () => {
      const flat = anchorsPx.flatMap((level, i) => level.map((v) => v / stride[i]!));
      return tensor(flat, { shape: [anchorsPx.length, this.na, 2] });
    });
    this.m = ch.map((c, i) => new Conv2d(path.sub('m').sub(i), { inChannels: c, outChannels: this.no * this.na, kernel: 1 }));
  }

  /** Raw per-level outputs, each [bs, na, ny, nx, no]. */
  raw(inputs: Tensor[]): Tensor[] {
    return inputs.map((x, i) => {
      const y = this.m[i]!.forward(x);
      const [bs, , ny, nx] = y.shape as [number, number, number, number];
      const v = y.view(bs, this.na, this.no, ny, nx);
      const p = v.permute(0, 1, 3, 4, 2);
      const out = p.contiguous();
      for (const t of [y, v, p]) t.dispose();
      return out;
    });
  }

  /** Decoded predictions [bs, sum(na*ny*nx), no]: xywh in input pixels, objectness, class scores. */
  decode(raw: Tensor[]): Tensor {
    const levels = raw.map((r, i) => {
      const [bs, , ny, nx] = r.shape as [number, number, number, number];
      const { grid, anchorGrid } = this.grid(i, ny, nx);
      const s = r.sigmoid();
      const [xy, wh, conf] = s.split([2, 2, this.nc + 1], 4) as [Tensor, Tensor, Tensor];
      const xy2 = xy.mul(2);
      const xyg = xy2.add(grid);
      const xyOut = xyg.mul(this.stride[i]!);
      const wh2 = wh.mul(2);
      const whSq = wh2.square();
      const whOut = whSq.mul(anchorGrid);
      const y = cat([xyOut, whOut, conf], 4);
      const out = y.view(bs, this.na * ny * nx, this.no);
      for (const t of [s, xy, wh, conf, xy2, xyg, xyOut, wh2, whSq, whOut, y]) t.dispose();
      return out;
    });
    const out = cat(levels, 1);
    for (const l of levels) l.dispose();
    return out;
  }

  forward(inputs: Tensor[]): Tensor {
    const raw = this.raw(inputs);
    const out = this.decode(raw);
    for (const r of raw) r.dispose();
    return out;
  }

  private grid(i: number, ny: number, nx: number): { grid: Tensor; anchorGrid: Tensor } {
    const key = `${i}:${ny}x${nx}`;
    let g = this.grids.get(key);
    if (!g) {
      g = noGrad(() => scope(() => {
        const f32 = { dtype: 'float32' } as const;
        const [yv, xv] = meshgrid([arange(ny, undefined, 1, f32), arange(nx, undefined, 1, f32)], 'ij') as [Tensor, Tensor];
        return {
          grid: keep(stack([xv, yv], 2).expand(1, this.na, ny, nx, 2).sub(0.5)),
          anchorGrid: keep(this.anchors.select(0, i).mul(this.stride[i]!).view(1, this.na, 1, 1, 2).expand(1, this.na, ny, nx, 2).contiguous()),
        };
      }));
      this.grids.set(key, g);
    }
    return g;
  }

  /** Cached grids depend on the anchors: drop them when the anchors change. */
  clearGrids(): void {
    for (const g of this.grids.values()) {
      unkeep(g.grid).dispose();
      unkeep(g.anchorGrid).dispose();
    }
    this.grids.clear();
  }
}
