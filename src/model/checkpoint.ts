// Checkpoints. Ours: one .safetensors file with the model's tensors (EMA weights when training kept
// them) and, as JSON metadata, what rebuilds and resumes it: the spec with per-layer channels,
// class names, strides, and training state; extra tensors (optimizer state, raw weights) under
// prefixed names. Official YOLOv5 .pt files load through the safe importer.
import { openSync, readSync, closeSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Tensor } from '../torch/index.js';
import { loadSafetensors, saveSafetensors } from '../torch/safetensors.js';
import { loadYolov5Pt, stateDictToTensors } from './import-pt/index.js';
import { Yolov5Model } from './build.js';
import { specFromCheckpoint } from './from-pt.js';
import { SpecError, type ModelSpec } from './spec.js';

export const CHECKPOINT_FORMAT = 'yolotrim-checkpoint/1';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

export interface LoadedCheckpoint {
  model: Yolov5Model;
  source: 'yolotrim' | 'yolov5-pt';
  /** training state saved with it (JSON), when present */
  train?: Record<string, unknown>;
  /** tensors besides the model's own (optimizer state, raw weights), owned by the caller */
  extra: Map<string, Tensor>;
  /** free-form metadata (pruning history, dataset, ...) */
  info: Record<string, unknown>;
}

export interface SaveOptions {
  train?: Record<string, unknown>;
  extra?: ReadonlyMap<string, Tensor>;
  info?: Record<string, unknown>;
  /** tensors to save as the model's weights instead of the model's own (e.g. EMA weights) */
  weights?: ReadonlyMap<string, Tensor>;
}

export function saveCheckpoint(file: string, model: Yolov5Model, opts: SaveOptions = {}): void {
  const tensors = new Map<string, Tensor>(opts.weights ?? model.store.stateDict());
  for (const [k, t] of opts.extra ?? []) {
    if (tensors.has(k)) throw new Error(`extra tensor name ${k} collides with a model tensor`);
    tensors.set(k, t);
  }
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    spec: JSON.stringify(model.spec),
    names: JSON.stringify(model.names),
    stride: JSON.stringify(model.stride),
    info: JSON.stringify(opts.info ?? {}),
  };
  if (opts.train) metadata.train = JSON.stringify(opts.train);
  saveSafetensors(file, tensors, metadata);
}

function sniff(file: string): 'zip' | 'safetensors' | 'unknown' {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(9);
    const n = readSync(fd, head, 0, 9, 0);
    if (n >= 2 && head[0] === 0x50 && head[1] === 0x4b) return 'zip';
    if (n === 9 && head[8] === 0x7b) return 'safetensors';
    return 'unknown';
  } finally {
    closeSync(fd);
  }
}

function parseJson<T>(file: string, key: string, text: string | undefined): T {
  if (text === undefined) throw new CheckpointError(file, `not a yolotrim checkpoint (no '${key}' in its metadata)`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CheckpointError(file, `metadata '${key}' is not valid JSON`);
  }
}

function loadOurs(file: string): LoadedCheckpoint {
  const { tensors, metadata } = loadSafetensors(file);
  try {
    if (metadata.format !== CHECKPOINT_FORMAT) {
      throw new CheckpointError(file, `not a yolotrim checkpoint (format '${metadata.format ?? 'none'}'; a plain weights file needs --cfg)`);
    }
    const spec = parseJson<ModelSpec>(file, 'spec', metadata.spec);
    const names = parseJson<string[]>(file, 'names', metadata.names);
    const model = new Yolov5Model(spec, names);
    const own = new Map([...tensors].filter(([k]) => model.store.get(k)));
    const extra = new Map([...tensors].filter(([k]) => !model.store.get(k)));
    try {
      model.store.loadStateDict(own, { strict: true });
    } catch (e) {
      model.dispose();
      for (const t of extra.values()) t.dispose();
      throw new CheckpointError(file, `its tensors do not fit its architecture: ${(e as Error).message}`);
    }
    for (const t of own.values()) t.dispose();
    return {
      model,
      source: 'yolotrim',
      train: metadata.train ? parseJson(file, 'train', metadata.train) : undefined,
      extra,
      info: parseJson(file, 'info', metadata.info ?? '{}'),
    };
  } catch (e) {
    for (const t of tensors.values()) if (!t.isDisposed && !t.kept) t.dispose();
    throw e;
  }
}

function loadPt(file: string): LoadedCheckpoint {
  const ck = loadYolov5Pt(file);
  let spec: ModelSpec;
  try {
    spec = specFromCheckpoint(ck);
  } catch (e) {
    if (e instanceof SpecError) throw new CheckpointError(file, e.message);
    throw e;
  }
  const names = ck.names.length === spec.nc ? ck.names : Array.from({ length: spec.nc }, (_, i) => `class${i}`);
  const model = new Yolov5Model(spec, names);
  const tensors = stateDictToTensors(ck.stateDict);
  try {
    model.store.loadStateDict(tensors, { strict: true });
  } catch (e) {
    model.dispose();
    throw new CheckpointError(file, `its tensors do not fit its yaml: ${(e as Error).message}`);
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
  return { model, source: 'yolov5-pt', extra: new Map(), info: { importedFrom: path.basename(file), sourceKey: ck.sourceKey } };
}

/** Loads a model from our .safetensors checkpoint or an official YOLOv5 .pt. */
export function loadCheckpoint(file: string): LoadedCheckpoint {
  if (!existsSync(file)) throw new CheckpointError(file, 'no such file');
  const kind = sniff(file);
  if (kind === 'zip') return loadPt(file);
  if (kind === 'safetensors') return loadOurs(file);
  throw new CheckpointError(file, 'not a checkpoint (neither a YOLOv5 .pt nor a yolotrim .safetensors file)');
}
