// YOLOv5's ComputeLoss: CIoU box loss, objectness BCE with the IoU as target, class BCE, level
// balance [4, 1, 0.4], gains scaled as train.py scales them, returned as (loss * bs, components).
import { Tensor, F, tensor, zeros, fullLike, scope, noGrad, cat } from '../torch/index.js';
import { buildTargets, type Targets } from './targets.js';

export interface LossHyp {
  box: number;
  obj: number;
  cls: number;
  anchor_t: number;
  cls_pw: number;
  obj_pw: number;
  fl_gamma: number;
  label_smoothing?: number;
}

/** train.py's scaling of the hyp gains by layers, classes and image size. */
export function scaleLossHyp(h: LossHyp, nl: number, nc: number, imgsz: number): LossHyp {
  return { ...h, box: h.box * 3 / nl, cls: h.cls * nc / 80 * 3 / nl, obj: h.obj * (imgsz / 640) ** 2 * 3 / nl };
}

export interface LossResult {
  /** (lbox + lobj + lcls) * batch size: what backward() is called on */
  loss: Tensor;
  box: number;
  obj: number;
  cls: number;
}

/** bbox_iou(..., CIoU=True) for boxes [n, 4] as xywh. */
export function ciou(b1: Tensor, b2: Tensor, eps = 1e-7): Tensor {
  const [x1, y1, w1, h1] = b1.chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const [x2, y2, w2, h2] = b2.chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const [ax1, ax2, ay1, ay2] = [x1.sub(w1.div(2)), x1.add(w1.div(2)), y1.sub(h1.div(2)), y1.add(h1.div(2))];
  const [bx1, bx2, by1, by2] = [x2.sub(w2.div(2)), x2.add(w2.div(2)), y2.sub(h2.div(2)), y2.add(h2.div(2))];
  const inter = ax2.minimum(bx2).sub(ax1.maximum(bx1)).clamp(0).mul(ay2.minimum(by2).sub(ay1.maximum(by1)).clamp(0));
  const union = w1.mul(h1).add(w2.mul(h2)).sub(inter).add(eps);
  const iou = inter.div(union);
  const cw = ax2.maximum(bx2).sub(ax1.minimum(bx1));
  const ch = ay2.maximum(by2).sub(ay1.minimum(by1));
  const c2 = cw.square().add(ch.square()).add(eps);
  const rho2 = bx1.add(bx2).sub(ax1).sub(ax2).square().add(by1.add(by2).sub(ay1).sub(ay2).square()).div(4);
  const v = w2.div(h2).atan().sub(w1.div(h1).atan()).square().mul(4 / Math.PI ** 2);
  const alpha = noGrad(() => v.div(v.sub(iou).add(1 + eps)));
  return iou.sub(rho2.div(c2).add(v.mul(alpha)));
}

function bce(x: Tensor, y: Tensor, posWeight: number, gamma: number): Tensor {
  const pw = tensor([posWeight]);
  if (gamma <= 0) return F.bceWithLogits(x, y, { posWeight: pw });
  // FocalLoss(BCE, gamma, alpha 0.25)
  const l = F.bceWithLogits(x, y, { posWeight: pw, reduction: 'none' });
  const p = x.sigmoid();
  const pt = y.mul(p).add(y.rsub(1).mul(p.rsub(1)));
  const alpha = y.mul(0.25).add(y.rsub(1).mul(0.75));
  return l.mul(alpha).mul(pt.rsub(1).pow(gamma)).mean();
}

export class ComputeLoss {
  readonly balance: number[];
  readonly cp: number;
  readonly cn: number;

  /** anchors: per level [na][w, h] in grid units (the Detect buffer) */
  constructor(readonly hyp: LossHyp, readonly nc: number, readonly anchors: number[][][]) {
    this.balance = anchors.length === 3 ? [4.0, 1.0, 0.4] : [4.0, 1.0, 0.25, 0.06, 0.02];
    const eps = hyp.label_smoothing ?? 0;
    this.cp = 1 - 0.5 * eps;
    this.cn = 0.5 * eps;
  }

  compute(p: Tensor[], targets: Targets): LossResult {
    const grid = p.map((pi) => [pi.size(2), pi.size(3)] as [number, number]);
    const levels = buildTargets(targets, this.anchors, grid, this.hyp.anchor_t);
    const parts = scope(() => {
      let lbox = zeros([1]);
      let lobj = zeros([1]);
      let lcls = zeros([1]);
      p.forEach((pi, i) => {
        const t = levels[i]!;
        const n = t.b.length;
        const tobj = zeros(pi.shape.slice(0, 4));
        if (n) {
          const idx = [t.b, t.a, t.gj, t.gi].map((v) => tensor(v, { dtype: 'int64' }));
          const ps = pi.index(idx);
          const [pxy0, pwh0, , pcls] = ps.split([2, 2, 1, this.nc], 1) as [Tensor, Tensor, Tensor, Tensor];
          const pxy = pxy0.sigmoid().mul(2).sub(0.5);
          const pwh = pwh0.sigmoid().mul(2).square().mul(tensor(t.anchor, { shape: [n, 2] }));
          const iou = ciou(cat([pxy, pwh], 1), tensor(t.box, { shape: [n, 4] })).squeeze();
          lbox = lbox.add(iou.rsub(1).mean());
          tobj.indexPut_(idx, iou.detach().clamp(0));
          if (this.nc > 1) {
            const tc = fullLike(pcls, this.cn);
            tc.indexPut_([tensor(Array.from({ length: n }, (_, k) => k), { dtype: 'int64' }), tensor(t.cls, { dtype: 'int64' })], tensor([this.cp]).expand(n));
            lcls = lcls.add(bce(pcls, tc, this.hyp.cls_pw, this.hyp.fl_gamma));
          }
        }
        const obji = bce(pi.select(4, 4), tobj, this.hyp.obj_pw, this.hyp.fl_gamma);
        lobj = lobj.add(obji.mul(this.balance[i]!));
      });
      return { lbox: lbox.mul(this.hyp.box), lobj: lobj.mul(this.hyp.obj), lcls: lcls.mul(this.hyp.cls) };
    });
    const bs = p[0]!.size(0);
    const loss = scope(() => parts.lbox.add(parts.lobj).add(parts.lcls).mul(bs));
    const result = { loss, box: parts.lbox.item(), obj: parts.lobj.item(), cls: parts.lcls.item() };
    parts.lbox.dispose();
    parts.lobj.dispose();
    parts.lcls.dispose();
    return result;
  }
}
