// Conv+BN fusion for inference: a model whose convolutions carry the BN as weight scale and bias.
import { noGrad, scope } from '../torch/index.js';
import { Yolov5Model } from './build.js';
import { convModulePath, convsOf } from './spec.js';
import { BN_EPS } from './blocks.js';

/** A new model (the input is untouched) with every Conv's BatchNorm folded into its conv. */
export function fuseModel(model: Yolov5Model): Yolov5Model {
  const fused = new Yolov5Model(model.spec, model.names, { fused: true });
  const src = model.store;
  noGrad(() => scope(() => {
    model.spec.layers.forEach((layer, i) => {
      for (const [rel] of convsOf(layer)) {
        const p = convModulePath(i, rel);
        const w = src.get(`${p}.conv.weight`)!;
        const gamma = src.get(`${p}.bn.weight`)!;
        const beta = src.get(`${p}.bn.bias`)!;
        const mean = src.get(`${p}.bn.running_mean`)!;
        const scale = gamma.div(src.get(`${p}.bn.running_var`)!.add(BN_EPS).sqrt());
        fused.store.get(`${p}.conv.weight`)!.copy_(w.mul(scale.view(-1, 1, 1, 1)));
        fused.store.get(`${p}.conv.bias`)!.copy_(beta.sub(mean.mul(scale)));
      }
    });
    for (const [name, t] of src.stateDict()) {
      if (name.startsWith(`model.${model.spec.layers.length - 1}.`)) fused.store.get(name)!.copy_(t);
    }
  }));
  return fused.eval();
}
