// Shared helpers of the pruning tests: small models with non-trivial BatchNorm statistics, zeroing
// channels so they output exactly 0 after SiLU, and comparing raw Detect outputs.
import * as T from '../../src/torch/index.js';
import { Yolov5Model } from '../../src/model/build.js';
import { loadModelYaml, specFromYaml } from '../../src/model/yaml.js';

export function freshModel(cfg: string, nc = 1, seed = 0): Yolov5Model {
  T.manualSeed(seed);
  const spec = specFromYaml(loadModelYaml(cfg), { nc });
  return new Yolov5Model(spec, Array.from({ length: nc }, (_, i) => `c${i}`));
}

/** Every BN gets random scale, shift and running statistics (so a wrong slice would show). */
export function randomizeBn(model: Yolov5Model, seed = 1): void {
  const gen = new T.Generator(seed);
  T.noGrad(() => {
    for (const [name, t] of model.store.stateDict()) {
      if (name.endsWith('.bn.weight')) t.uniform_(0.5, 1.5, gen);
      else if (name.endsWith('.bn.bias')) t.uniform_(-0.5, 0.5, gen);
      else if (name.endsWith('.bn.running_mean')) t.uniform_(-0.3, 0.3, gen);
      else if (name.endsWith('.bn.running_var')) t.uniform_(0.5, 1.5, gen);
    }
  });
  gen.dispose();
}

/** Conv rows, BN scale and BN shift of these channels to 0 in every member: they output exactly 0. */
export function zeroChannels(model: Yolov5Model, members: readonly string[], channels: readonly number[]): void {
  T.noGrad(() => T.scope(() => {
    const idx = T.tensor(Int32Array.from(channels), { dtype: 'int64' });
    for (const m of members) {
      for (const leaf of ['conv.weight', 'bn.weight', 'bn.bias']) {
        const t = model.store.get(`${m}.${leaf}`)!;
        const rows = t.indexSelect(0, idx);
        t.indexPut_([idx], T.zerosLike(rows));
      }
    }
  }));
}

/** Raw Detect outputs (eval mode) as flat arrays. */
export function rawOutputs(model: Yolov5Model, x: T.Tensor): Float32Array[] {
  model.eval();
  return T.noGrad(() => T.scope(() => model.forward(x, { decode: false }).raw.map((r) => r.data() as Float32Array)));
}

export function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, k) => {
    const y = b[k]!;
    if (x.length !== y.length) throw new Error(`output ${k}: ${x.length} vs ${y.length} values`);
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  });
  return m;
}

export function sameTensors(a: Yolov5Model, b: Yolov5Model): boolean {
  const da = a.store.stateDict();
  const db = b.store.stateDict();
  if (da.size !== db.size) return false;
  return T.scope(() => [...da].every(([k, t]) => {
    const u = db.get(k);
    return u !== undefined && t.shape.join() === u.shape.join() && Number(t.eq(u).all().item()) === 1;
  }));
}
