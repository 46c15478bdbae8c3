// An imported YOLOv5 .pt checkpoint -> ModelSpec: the pickled model's yaml gives the structure,
// the real tensor shapes give every convolution's channels (so a pruned model pickled whole, as
// the original Python pruning tool saved them, imports too), anchors come from the Detect buffer.
import type { Yolov5Checkpoint } from './import-pt/index.js';
import { specFromYaml } from './yaml.js';
import { convModulePath, convsOf, detectLayer, SpecError, type ConvSpec, type ModelSpec, type ModelYaml } from './spec.js';

function shapeOf(ck: Yolov5Checkpoint, name: string): number[] {
  const t = ck.stateDict.get(name);
  if (!t) throw new SpecError(`the checkpoint has no tensor '${name}' that its yaml implies`);
  return t.shape;
}

function fitConv(c: ConvSpec, weight: number[]): void {
  c.c2 = weight[0]!;
  c.c1 = weight[1]! * c.g;
}

export function specFromCheckpoint(ck: Yolov5Checkpoint): ModelSpec {
  if (!ck.yaml || typeof ck.yaml !== 'object') throw new SpecError('the checkpoint\'s model has no yaml to rebuild it from');
  const spec = specFromYaml(ck.yaml as unknown as ModelYaml, { nc: ck.nc });
  spec.layers.forEach((layer, i) => {
    for (const [name, c] of convsOf(layer)) fitConv(c, shapeOf(ck, `${convModulePath(i, name)}.conv.weight`));
    if (layer.type === 'C3') {
      layer.m.forEach((b, j) => {
        const add = ck.moduleTree.get(`model.${i}.m.${j}`)?.attrs.add;
        if (typeof add === 'boolean') b.add = add;
      });
    }
    if (layer.type === 'Bottleneck') {
      const add = ck.moduleTree.get(`model.${i}`)?.attrs.add;
      if (typeof add === 'boolean') layer.block.add = add;
    }
  });
  const det = detectLayer(spec);
  const last = spec.layers.length - 1;
  det.ch = det.ch.map((_, k) => shapeOf(ck, `model.${last}.m.${k}.weight`)[1]!);
  if (ck.anchors.length === det.anchors.length && ck.stride.length === det.anchors.length) {
    det.anchors = ck.anchors.map((level, k) => level.flatMap(([w, h]) => [w! * ck.stride[k]!, h! * ck.stride[k]!]));
  }
  return spec;
}
