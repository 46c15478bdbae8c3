// Distillation losses. Output level (the original tool's method, scaled like the hard loss):
// per detection level, the teacher's objectness sigmoid weights MSEs between the student's and the
// teacher's raw box, objectness and class outputs. Feature level: channel-wise distillation (CWD),
// a spatial softmax per channel with temperature and KL divergence, on the neck outputs.
import { Tensor, F, scope, zeros } from '../torch/index.js';

export interface OutputKdGains {
  box: number;
  obj: number;
  cls: number;
}

export interface KdResult {
  loss: Tensor;
  box: number;
  obj: number;
  cls: number;
}

/**
 * Raw outputs per level [bs, na, ny, nx, 5 + nc] (before sigmoid). Returns
 * (box + obj + cls) * bs * weight, so, like the hard loss, a per-image value independent of batch size.
 */
export function outputKdLoss(student: Tensor[], teacher: Tensor[], gains: OutputKdGains, nc: number, weight: number, temperature = 1): KdResult {
  const parts = scope(() => {
    let box = zeros([1]);
    let obj = zeros([1]);
    let cls = zeros([1]);
    student.forEach((s, i) => {
      const t = teacher[i]!;
      const w = t.select(4, 4).sigmoid();
      const w1 = w.unsqueeze(-1);
      box = box.add(F.mseLoss(s.narrow(4, 0, 4), t.narrow(4, 0, 4), 'none').mul(w1).mean());
      obj = obj.add(F.mseLoss(s.select(4, 4), t.select(4, 4), 'none').mul(w).mean());
      if (nc > 1) {
        const sc = s.narrow(4, 5, nc).div(temperature);
        const tc = t.narrow(4, 5, nc).div(temperature);
        cls = cls.add(F.mseLoss(sc, tc, 'none').mul(w1).mean().mul(temperature * temperature));
      }
    });
    return { box: box.mul(gains.box), obj: obj.mul(gains.obj), cls: cls.mul(gains.cls) };
  });
  const bs = student[0]!.size(0);
  const loss = scope(() => parts.box.add(parts.obj).add(parts.cls).mul(bs * weight));
  const out = { loss, box: parts.box.item() * weight, obj: parts.obj.item() * weight, cls: parts.cls.item() * weight };
  parts.box.dispose();
  parts.obj.dispose();
  parts.cls.dispose();
  return out;
}

/**
 * Channel-wise distillation between feature maps [N, C, H, W] of equal shape:
 * tau^2 * mean over (N, C) of KL(softmax(T/tau) || softmax(S/tau)) over the H*W positions.
 */
export function cwdLoss(student: Tensor, teacher: Tensor, tau = 1): Tensor {
  return scope(() => {
    const [n, c] = student.shape as [number, number];
    const s = student.reshape(n * c, -1).div(tau);
    const t = teacher.reshape(n * c, -1).div(tau);
    const pt = t.softmax(1);
    const kl = pt.mul(t.logSoftmax(1).sub(s.logSoftmax(1))).sum();
    return kl.mul(tau * tau).div(n * c);
  });
}
