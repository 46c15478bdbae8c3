// ComputeLoss parity with the real YOLOv5 (../shared/reference/yolov5n_coco_320/summary.json `loss`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { loadSafetensors } from '../../src/torch/safetensors.js';
import { ComputeLoss, ciou, scaleLossHyp, type LossHyp } from '../../src/train/loss.js';
import { buildTargets } from '../../src/train/targets.js';
import { readNpy } from '../helpers/npy.js';

const ref = path.resolve(import.meta.dirname, '../../../shared/reference/yolov5n_coco_320');
const summary = JSON.parse(readFileSync(path.join(ref, 'summary.json'), 'utf8')) as {
  loss: { hyp_scaled: LossHyp; targets_img_cls_xywhn: number[][]; loss_times_bs: number; lbox_lobj_lcls: number[] };
};

function referenceAnchors(): number[][][] {
  const { tensors } = loadSafetensors(path.join(ref, 'weights.safetensors'));
  const a = tensors.get('model.24.anchors')!.toArray();
  for (const t of tensors.values()) t.dispose();
  return [0, 1, 2].map((l) => [0, 1, 2].map((k) => [a[l * 6 + k * 2]!, a[l * 6 + k * 2 + 1]!]));
}

test('ComputeLoss equals YOLOv5\'s for the reference targets (within 1e-5)', () => {
  const L = summary.loss;
  const loss = new ComputeLoss(L.hyp_scaled, 80, referenceAnchors());
  T.scope(() => {
    const p = [0, 1, 2].map((i) => {
      const n = readNpy(path.join(ref, `raw_p${i}.npy`));
      return T.tensor(n.data as Float32Array, { shape: n.shape }).requiresGrad_();
    });
    const rows = Float32Array.from(L.targets_img_cls_xywhn.flat());
    const r = loss.compute(p, { rows, count: L.targets_img_cls_xywhn.length });
    assert.ok(Math.abs(r.loss.item() - L.loss_times_bs) < 1e-5, `loss ${r.loss.item()} vs ${L.loss_times_bs}`);
    assert.ok(Math.abs(r.box - L.lbox_lobj_lcls[0]!) < 1e-5, `box ${r.box}`);
    assert.ok(Math.abs(r.obj - L.lbox_lobj_lcls[1]!) < 1e-5, `obj ${r.obj}`);
    assert.ok(Math.abs(r.cls - L.lbox_lobj_lcls[2]!) < 1e-5, `cls ${r.cls}`);
    r.loss.backward();
    assert.ok(p.every((pi) => pi.grad!.abs().sum().item() > 0), 'every level receives a gradient');
  });
});

test('train.py\'s hyp scaling: 3 levels, 80 classes, 320 px', () => {
  const h = scaleLossHyp({ box: 0.05, cls: 0.5, obj: 1.0, anchor_t: 4, cls_pw: 1, obj_pw: 1, fl_gamma: 0 }, 3, 80, 320);
  [[h.box, 0.05], [h.cls, 0.5], [h.obj, 0.25]].forEach(([a, b]) => assert.ok(Math.abs(a! - b!) < 1e-12, `${a} vs ${b}`));
});

test('build_targets: anchor ratio filter and neighbour cells', () => {
  // one label at cell (2.3, 2.7) of an 8x8 grid, size 1x1 grid units; anchors 1x1 (kept) and 10x10 (ratio 10: dropped)
  const rows = Float32Array.from([0, 0, 2.3 / 8, 2.7 / 8, 1 / 8, 1 / 8]);
  const [lvl] = buildTargets({ rows, count: 1 }, [[[1, 1], [10, 10]]], [[8, 8]], 4);
  assert.deepEqual(lvl!.a, [0, 0, 0]);
  // own cell (2,2); x frac .3 < .5 -> left neighbour (gi 1); y frac .7 -> 1 - .7 = .3 < .5 -> lower neighbour (gj 3)
  assert.deepEqual(lvl!.gi, [2, 1, 2]);
  assert.deepEqual(lvl!.gj, [2, 2, 3]);
  assert.ok(Math.abs(lvl!.box[4]! - 1.3) < 1e-5, 'offset measured from the neighbour cell');
});

test('CIoU of identical boxes is 1 and decreases with distance', () => {
  T.scope(() => {
    const a = T.tensor([[5, 5, 2, 3]]);
    assert.ok(Math.abs(ciou(a, a).item() - 1) < 1e-6);
    const near = ciou(a, T.tensor([[5.5, 5, 2, 3]])).item();
    const far = ciou(a, T.tensor([[8, 5, 2, 3]])).item();
    assert.ok(near < 1 && far < near && far < 0, `${near} ${far}`);
  });
});
