// Models for the export parity tests and bench:infer: the official yolov5n, a "trained" one (a few
// SGD steps on random data, saved in our checkpoint format), and a hand-pruned one (every conv of
// layers 0-9 keeps the first half of its output channels; consumers slice their inputs to match).
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { SGD } from '../../src/torch/optim/index.js';
import { Yolov5Model } from '../../src/model/build.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint.js';
import { convModulePath, convsOf, inputIndices, type ConvSpec, type LayerSpec, type ModelSpec } from '../../src/model/spec.js';

export const SHARED = path.resolve(import.meta.dirname, '../../../shared');
export const OFFICIAL_PT = path.join(SHARED, 'weights/yolov5n.pt');
export const REFERENCE = path.join(SHARED, 'reference/yolov5n_coco_320');

export function officialModel(): Yolov5Model {
  return loadCheckpoint(OFFICIAL_PT).model;
}

/** The official model after `steps` SGD steps on random images (BN statistics move too), saved as ours. */
export function trainedCheckpoint(file: string, steps = 3, seed = 0): string {
  const model = officialModel();
  T.manualSeed(seed);
  const params = [...model.store.params].map(([name, tensor]) => ({ name, tensor }));
  const opt = new SGD([{ params }], { lr: 0.05, momentum: 0.9 });
  model.train();
  for (let i = 0; i < steps; i++) {
    T.scope(() => {
      opt.zeroGrad();
      const { raw } = model.forward(T.rand([2, 3, 160, 160]));
      // push objectness and class logits toward a random target: changes every layer's weights
      const loss = raw.map((r) => r.sub(T.randn(r.shape)).pow(2).mean()).reduce((a, b) => a.add(b));
      loss.backward();
      opt.step();
    });
  }
  model.eval();
  T.scope(() => saveCheckpoint(file, model, { info: { note: 'export parity test: official + random SGD steps' } }));
  model.dispose();
  return file;
}

interface Kept {
  in: number[];
  out: number[];
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

/** Channel indices kept per conv path, and the output channels kept per layer. */
function keptChannels(spec: ModelSpec, pruned: (layer: number) => boolean): Map<string, Kept> {
  const convs = new Map<string, Kept>();
  const outs: { keep: number[]; size: number }[] = [];
  const image = { keep: range(spec.inputChannels), size: spec.inputChannels };
  const conv = (i: number, rel: string, c: ConvSpec, keepIn: number[]) => {
    const out = pruned(i) ? range(Math.ceil(c.c2 / 2)) : range(c.c2);
    convs.set(convModulePath(i, rel), { in: keepIn, out });
    return { keep: out, size: c.c2 };
  };
  const join = (parts: { keep: number[]; size: number }[]) => {
    let offset = 0;
    const keep: number[] = [];
    for (const p of parts) {
      keep.push(...p.keep.map((k) => k + offset));
      offset += p.size;
    }
    return { keep, size: offset };
  };
  spec.layers.forEach((l: LayerSpec, i) => {
    const ins = inputIndices(l.from, i).map((j) => (j < 0 ? image : outs[j]!));
    const x = ins[0]!;
    switch (l.type) {
      case 'Conv': outs.push(conv(i, '', l.conv, x.keep)); break;
      case 'Focus': outs.push(conv(i, 'conv', l.conv, range(l.conv.c1))); break;
      case 'C3': {
        let a = conv(i, 'cv1', l.cv1, x.keep);
        l.m.forEach((b, j) => {
          const h = conv(i, `m.${j}.cv1`, b.cv1, a.keep);
          const y = conv(i, `m.${j}.cv2`, b.cv2, h.keep);
          if (b.add && y.keep.join() !== a.keep.join()) throw new Error(`layer ${i}: residual channels differ`);
          a = y;
        });
        const b = conv(i, 'cv2', l.cv2, x.keep);
        outs.push(conv(i, 'cv3', l.cv3, join([a, b]).keep));
        break;
      }
      case 'SPPF':
      case 'SPP': {
        const h = conv(i, 'cv1', l.cv1, x.keep);
        const copies = l.type === 'SPPF' ? 4 : l.k.length + 1;
        outs.push(conv(i, 'cv2', l.cv2, join(Array.from({ length: copies }, () => h)).keep));
        break;
      }
      case 'Concat': outs.push(join(ins)); break;
      case 'Upsample': outs.push(x); break;
      case 'Detect':
        ins.forEach((p, j) => convs.set(`model.${i}.m.${j}`, { in: p.keep, out: range(l.anchors[0]!.length / 2 * (l.nc + 5)) }));
        outs.push({ keep: [], size: 0 });
        break;
      default: throw new Error(`hand pruning does not handle ${l.type}`);
    }
  });
  return convs;
}

function prunedSpec(spec: ModelSpec, convs: Map<string, Kept>): ModelSpec {
  const copy = JSON.parse(JSON.stringify(spec)) as ModelSpec;
  delete copy.yaml;
  copy.layers.forEach((l, i) => {
    for (const [rel, c] of convsOf(l)) {
      const k = convs.get(convModulePath(i, rel))!;
      c.c1 = k.in.length;
      c.c2 = k.out.length;
    }
    if (l.type === 'Detect') l.ch = l.ch.map((_, j) => convs.get(`model.${i}.m.${j}`)!.in.length);
  });
  return copy;
}

function sliceTensor(name: string, t: T.Tensor, convs: Map<string, Kept>): T.Tensor {
  const m = /^(.*?)(\.conv\.weight|\.bn\.(?:weight|bias|running_mean|running_var)|\.weight|\.bias)$/.exec(name);
  const k = m ? convs.get(m[1]!) : undefined;
  if (!m || !k) return t.clone();
  const out = T.tensor(Int32Array.from(k.out), { dtype: 'int64' });
  const y = t.indexSelect(0, out);
  if (t.ndim < 4) return y;
  return y.indexSelect(1, T.tensor(Int32Array.from(k.in), { dtype: 'int64' }));
}

/** A copy of `model` whose layers 0..lastLayer keep half their output channels (BN unfused). */
export function handPruned(model: Yolov5Model, lastLayer = 9): Yolov5Model {
  const convs = keptChannels(model.spec, (i) => i <= lastLayer);
  const pruned = new Yolov5Model(prunedSpec(model.spec, convs), model.names);
  T.noGrad(() => T.scope(() => {
    const sliced = new Map([...model.store.stateDict()].map(([name, t]) => [name, sliceTensor(name, t, convs)]));
    pruned.store.loadStateDict(sliced, { strict: true });
  }));
  return pruned.eval();
}
