// The dependency graph, built from the model's own structure (its spec), not by tracing a forward
// pass. Walking the layers in order, every value is described by its channel layout: the list of
// channel sources laid side by side (a Concat joins its inputs' layouts; Upsample and max-pooling
// keep them; SPPF's concat repeats cv1's four times). Every conv is a node with the layout of its
// input; a residual add ties the two sources it adds into one source. The sources, after those
// ties, are the channel groups.
import { convModulePath, inputIndices, SpecError, type ConvSpec, type LayerSpec, type LayerType, type ModelSpec } from '../model/spec.js';
import { IMAGE, UnionFind, type Channels, type ChannelGroup, type LayoutSource } from './groups.js';
import { PRUNERS, type OpKind } from './pruners.js';

export interface ConvNode {
  /** the module's store path: `model.4.cv1`, `model.24.m.0` */
  id: string;
  layer: number;
  kind: OpKind;
  spec: ConvSpec;
  /** its input layout: group ids (or IMAGE), side by side */
  input: number[];
  /** the group of its output channels; null for Detect's output convs */
  output: number | null;
}

export interface PruneGraph extends LayoutSource {
  readonly spec: ModelSpec;
  readonly nodes: ReadonlyMap<string, ConvNode>;
  /** the node ids in module order */
  readonly order: readonly string[];
  readonly groups: readonly ChannelGroup[];
  groupOf(conv: string): ChannelGroup;
  /** the channel counts of the spec the graph was built from */
  initialChannels(): Channels;
}

type Layout = number[];

/** Building state: nodes with provisional source ids, tied by the union-find. */
class Walk {
  readonly uf = new UnionFind();
  readonly nodes: ConvNode[] = [];

  conv(layer: number, rel: string, spec: ConvSpec, input: Layout, kind: OpKind = 'Conv'): number {
    const output = kind === 'Conv' ? this.uf.add() : null;
    this.nodes.push({ id: convModulePath(layer, rel), layer, kind, spec, input: [...input], output });
    return output ?? IMAGE;
  }

  /** x + f(x): the added values share one channel space. */
  residual(input: Layout, out: number, layer: number): void {
    if (input.length !== 1 || input[0] === IMAGE) {
      throw new SpecError(`layer ${layer}: a residual add over a concatenation or the image cannot be pruned`);
    }
    this.uf.union(input[0]!, out);
  }
}

type Walker<K extends LayerType> = (w: Walk, i: number, layer: Extract<LayerSpec, { type: K }>, inputs: Layout[]) => Layout;

const WALKERS: { [K in LayerType]: Walker<K> } = {
  Conv: (w, i, l, [x]) => [w.conv(i, '', l.conv, x!)],
  // space-to-depth: four spatial slices of every input channel, side by side
  Focus: (w, i, l, [x]) => [w.conv(i, 'conv', l.conv, [...x!, ...x!, ...x!, ...x!])],
  Bottleneck: (w, i, l, [x]) => {
    const h = w.conv(i, 'cv1', l.block.cv1, x!);
    const y = w.conv(i, 'cv2', l.block.cv2, [h]);
    if (l.block.add) w.residual(x!, y, i);
    return [y];
  },
  C3: (w, i, l, [x]) => {
    let a = w.conv(i, 'cv1', l.cv1, x!);
    const b = w.conv(i, 'cv2', l.cv2, x!);
    l.m.forEach((m, k) => {
      const h = w.conv(i, `m.${k}.cv1`, m.cv1, [a]);
      const y = w.conv(i, `m.${k}.cv2`, m.cv2, [h]);
      if (m.add) w.residual([a], y, i);
      a = y;
    });
    return [w.conv(i, 'cv3', l.cv3, [a, b])];
  },
  SPPF: (w, i, l, [x]) => {
    const h = w.conv(i, 'cv1', l.cv1, x!);
    return [w.conv(i, 'cv2', l.cv2, [h, h, h, h])];
  },
  SPP: (w, i, l, [x]) => {
    const h = w.conv(i, 'cv1', l.cv1, x!);
    return [w.conv(i, 'cv2', l.cv2, Array.from({ length: l.k.length + 1 }, () => h))];
  },
  Concat: (_w, i, l, inputs) => {
    if (l.dim !== 1) throw new SpecError(`layer ${i}: only a channel Concat (dim 1) can be pruned`);
    return inputs.flat();
  },
  Upsample: (_w, _i, _l, [x]) => [...x!],
  Detect: (w, i, l, inputs) => {
    l.ch.forEach((_c, k) => w.conv(i, `m.${k}`, detectConvSpec(l, k), inputs[k]!, 'DetectConv'));
    return [];
  },
};

function detectConvSpec(l: Extract<LayerSpec, { type: 'Detect' }>, k: number): ConvSpec {
  const na = l.anchors[0]!.length / 2;
  return { c1: l.ch[k]!, c2: na * (l.nc + 5), k: 1, s: 1, p: 0, g: 1, d: 1, act: false };
}

function whyNotPrunable(g: ChannelGroup, nodes: ReadonlyMap<string, ConvNode>): string | undefined {
  for (const m of g.members) {
    const n = nodes.get(m)!;
    if (!PRUNERS[n.kind].prunesOutputs) return `${m}: its outputs are fixed`;
    if (n.spec.g !== 1) return `${m}: grouped convolution`;
  }
  for (const { conv } of g.consumers) if (nodes.get(conv)!.spec.g !== 1) return `${conv} (a consumer): grouped convolution`;
  return undefined;
}

/** Renumbers the union-find roots as groups 0, 1, ... in module order and lists members and consumers. */
function collectGroups(walk: Walk): { nodes: Map<string, ConvNode>; groups: ChannelGroup[] } {
  const ids = new Map<number, number>();
  const groupId = (src: number) => {
    if (src === IMAGE) return IMAGE;
    const root = walk.uf.find(src);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  };
  const nodes = new Map<string, ConvNode>();
  const groups: ChannelGroup[] = [];
  for (const n of walk.nodes) {
    const node = { ...n, output: n.output === null ? null : groupId(n.output), input: n.input.map(groupId) };
    nodes.set(node.id, node);
    if (node.output !== null) {
      groups[node.output] ??= { id: node.output, members: [], consumers: [], prunable: true };
      groups[node.output]!.members.push(node.id);
    }
  }
  for (const node of nodes.values()) {
    node.input.forEach((gid, slot) => { if (gid !== IMAGE) groups[gid]!.consumers.push({ conv: node.id, slot }); });
  }
  for (const g of groups) {
    const reason = whyNotPrunable(g, nodes);
    if (reason) Object.assign(g, { prunable: false, reason });
  }
  return { nodes, groups };
}

export function buildGraph(spec: ModelSpec): PruneGraph {
  const walk = new Walk();
  const layouts: Layout[] = [];
  spec.layers.forEach((layer, i) => {
    const inputs = inputIndices(layer.from, i).map((j) => (j < 0 ? [IMAGE] : layouts[j]!));
    const walker = WALKERS[layer.type] as Walker<typeof layer.type>;
    layouts.push(walker(walk, i, layer as never, inputs));
  });
  const { nodes, groups } = collectGroups(walk);
  const groupOfConv = new Map<string, ChannelGroup>();
  for (const g of groups) for (const m of g.members) groupOfConv.set(m, g);
  return {
    spec,
    nodes,
    order: [...nodes.keys()],
    groups,
    inputChannels: spec.inputChannels,
    inputOf: (conv) => nodes.get(conv)!.input,
    groupOf: (conv) => {
      const g = groupOfConv.get(conv);
      if (!g) throw new SpecError(`${conv} is not a prunable convolution of this model`);
      return g;
    },
    initialChannels: () => new Map([...nodes.values()].map((n) => [n.id, { c1: n.spec.c1, c2: n.spec.c2 }])),
  };
}
