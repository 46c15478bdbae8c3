// Which convolutions to prune: `--layers` / `--exclude` parsed against a model spec. Pure (no tensors).
//
// A selection is a list of items separated by commas or spaces:
//   4, 0-9        block indices and inclusive ranges: the convolutions YOLOv5's original pruning
//                 picked for that block (Conv → its conv; C3 → cv1, cv2, cv3; SPPF/SPP → cv1, cv2;
//                 --deep adds the bottleneck convolutions inside C3);
//   model.4.cv1.conv, model.4.cv1, model.3
//                 a dotted name: the Conv2d (`….conv`) or its Conv module; `model.<i>` is the block;
//   model.*.cv2.conv, model.**.cv1
//                 globs over those names: `*` one path segment, `**` any number, `?` one character.
// Detect's output convolutions are never selectable.
import { convModulePath, convsOf, type LayerSpec, type LayerType, type ModelSpec } from '../model/spec.js';

export class SelectionError extends Error {
  override name = 'SelectionError';
}

/** A prunable Conv module (conv + BN + act) of the model, in module order. */
export interface SelectableConv {
  /** the Conv module's store path, e.g. `model.4.cv1` */
  id: string;
  /** the Conv2d's name as PyTorch prints it, e.g. `model.4.cv1.conv` */
  name: string;
  layer: number;
  /** path inside the layer: '' for a Conv layer, `cv1`, `m.0.cv2`, ... */
  rel: string;
  type: LayerType;
}

export interface SelectOptions {
  layers: string | readonly string[];
  exclude?: string | readonly string[];
  /** block indices also select the bottleneck convolutions inside C3 */
  deep?: boolean;
}

export function selectableConvs(spec: ModelSpec): SelectableConv[] {
  return spec.layers.flatMap((layer, i) =>
    convsOf(layer).map(([rel]) => {
      const id = convModulePath(i, rel);
      return { id, name: `${id}.conv`, layer: i, rel, type: layer.type };
    }));
}

/** The convolutions a block index stands for (YOLOv5's original selection). */
function blockConvs(layer: LayerSpec, deep: boolean): string[] {
  const rels = convsOf(layer).map(([rel]) => rel);
  if (layer.type === 'C3' && !deep) return rels.filter((r) => !r.startsWith('m.'));
  return rels;
}

function tokens(input: string | readonly string[]): string[] {
  const parts = typeof input === 'string' ? [input] : [...input];
  return parts.flatMap((p) => p.split(/[\s,]+/)).filter((t) => t.length > 0);
}

function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^.]*';
    else if (c === '?') re += '[^.]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function checkIndex(spec: ModelSpec, i: number, token: string): void {
  if (i >= spec.layers.length) throw new SelectionError(`'${token}': the model has layers 0-${spec.layers.length - 1}`);
}

function byIndex(spec: ModelSpec, from: number, to: number, deep: boolean, token: string): string[] {
  if (from > to) throw new SelectionError(`'${token}': a range goes low-high`);
  checkIndex(spec, to, token);
  const ids: string[] = [];
  for (let i = from; i <= to; i++) ids.push(...blockConvs(spec.layers[i]!, deep).map((rel) => convModulePath(i, rel)));
  if (ids.length === 0) {
    const what = from === to ? `layer ${from} (${spec.layers[from]!.type})` : `layers ${from}-${to}`;
    throw new SelectionError(`'${token}': ${what} has no convolutions to prune`);
  }
  return ids;
}

function byName(spec: ModelSpec, all: SelectableConv[], token: string, deep: boolean): string[] {
  const block = /^model\.(\d+)$/.exec(token);
  if (block) {
    const i = Number(block[1]);
    return byIndex(spec, i, i, deep, token);
  }
  const hit = all.find((c) => c.name === token || c.id === token);
  if (hit) return [hit.id];
  const det = spec.layers.length - 1;
  if (token.startsWith(`model.${det}.`) && spec.layers[det]!.type === 'Detect') {
    throw new SelectionError(`'${token}': Detect's output convolutions are never pruned`);
  }
  throw new SelectionError(`'${token}': no such convolution (names look like model.3.conv, model.4.cv1.conv, model.4.m.0.cv2.conv)`);
}

function resolveToken(spec: ModelSpec, all: SelectableConv[], token: string, deep: boolean): string[] {
  const range = /^(\d+)-(\d+)$/.exec(token);
  if (range) return byIndex(spec, Number(range[1]), Number(range[2]), deep, token);
  if (/^\d+$/.test(token)) return byIndex(spec, Number(token), Number(token), deep, token);
  if (!token.startsWith('model.')) throw new SelectionError(`'${token}': expected an index (4), a range (0-9), a name (model.4.cv1.conv) or a glob (model.*.cv2.conv)`);
  if (/[*?]/.test(token)) {
    const re = globRegex(token);
    const ids = all.filter((c) => re.test(c.name) || re.test(c.id)).map((c) => c.id);
    if (ids.length === 0) throw new SelectionError(`'${token}': matches no convolution`);
    return ids;
  }
  return byName(spec, all, token, deep);
}

function resolveAll(spec: ModelSpec, all: SelectableConv[], input: string | readonly string[], deep: boolean): Set<string> {
  const out = new Set<string>();
  for (const t of tokens(input)) for (const id of resolveToken(spec, all, t, deep)) out.add(id);
  return out;
}

/** The selected Conv modules' ids (`model.4.cv1`), in module order. */
export function selectConvs(spec: ModelSpec, opts: SelectOptions): string[] {
  const all = selectableConvs(spec);
  const deep = opts.deep ?? false;
  if (tokens(opts.layers).length === 0) throw new SelectionError('no layers selected');
  const chosen = resolveAll(spec, all, opts.layers, deep);
  const excluded = opts.exclude ? resolveAll(spec, all, opts.exclude, deep) : new Set<string>();
  const ids = all.map((c) => c.id).filter((id) => chosen.has(id) && !excluded.has(id));
  if (ids.length === 0) throw new SelectionError('the selection is empty after --exclude');
  return ids;
}
