// A spec with new channel counts: every ConvSpec takes its c1/c2 from a Channels map, Detect its
// input channels. Pure. The result has no `yaml`: no width multiple explains pruned channels.
import { convModulePath, type ConvSpec, type LayerSpec, type ModelSpec } from '../model/spec.js';
import type { Channels } from './groups.js';

function resized(c: ConvSpec, id: string, channels: Channels): ConvSpec {
  const ch = channels.get(id);
  if (!ch) throw new Error(`no channel counts for ${id}`);
  return { ...c, c1: ch.c1, c2: ch.c2 };
}

function resizeLayer(l: LayerSpec, i: number, channels: Channels): LayerSpec {
  const r = (rel: string, c: ConvSpec) => resized(c, convModulePath(i, rel), channels);
  switch (l.type) {
    case 'Conv': return { ...l, conv: r('', l.conv) };
    case 'Focus': return { ...l, conv: r('conv', l.conv) };
    case 'Bottleneck': return { ...l, block: { ...l.block, cv1: r('cv1', l.block.cv1), cv2: r('cv2', l.block.cv2) } };
    case 'C3':
      return {
        ...l, cv1: r('cv1', l.cv1), cv2: r('cv2', l.cv2), cv3: r('cv3', l.cv3),
        m: l.m.map((b, k) => ({ ...b, cv1: r(`m.${k}.cv1`, b.cv1), cv2: r(`m.${k}.cv2`, b.cv2) })),
      };
    case 'SPPF':
    case 'SPP': return { ...l, cv1: r('cv1', l.cv1), cv2: r('cv2', l.cv2) };
    case 'Detect': return { ...l, ch: l.ch.map((_c, k) => channels.get(convModulePath(i, `m.${k}`))!.c1) };
    case 'Concat':
    case 'Upsample': return { ...l };
  }
}

export function specWithChannels(spec: ModelSpec, channels: Channels): ModelSpec {
  return {
    format: spec.format,
    nc: spec.nc,
    inputChannels: spec.inputChannels,
    layers: spec.layers.map((l, i) => resizeLayer(l, i, channels)),
  };
}

/** Trainable parameters of a spec, counted without building it (conv + BN scale/shift; Detect with bias). */
export function paramCount(spec: ModelSpec): number {
  let n = 0;
  const conv = (c: ConvSpec, bias: boolean) => c.c2 * (c.c1 / c.g) * c.k * c.k + (bias ? c.c2 : 2 * c.c2);
  for (const l of spec.layers) {
    switch (l.type) {
      case 'Conv':
      case 'Focus': n += conv(l.conv, false); break;
      case 'Bottleneck': n += conv(l.block.cv1, false) + conv(l.block.cv2, false); break;
      case 'C3': n += [l.cv1, l.cv2, l.cv3, ...l.m.flatMap((b) => [b.cv1, b.cv2])].reduce((s, c) => s + conv(c, false), 0); break;
      case 'SPPF':
      case 'SPP': n += conv(l.cv1, false) + conv(l.cv2, false); break;
      case 'Detect': {
        const no = (l.anchors[0]!.length / 2) * (l.nc + 5);
        for (const c of l.ch) n += no * c + no;
        break;
      }
      default: break;
    }
  }
  return n;
}
