// A pruning run as the CLI does it: load the model (checkpoint, yaml, or yaml + plain weights),
// prune, and write into runs/prune/exp: pruned.safetensors (a checkpoint every command loads with no
// yaml: it carries its spec, and info.pruning lists the histories), history.json, report.md, prune.log.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSafetensors } from '../torch/safetensors.js';
import { Yolov5Model } from '../model/build.js';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint.js';
import { loadModelYaml, specFromYaml } from '../model/yaml.js';
import { makeRunDir } from '../infer/run-dir.js';
import { prune, PruneError, type PruneOptions, type PruneResult } from './index.js';
import { readHistory, writeHistory, type PruneHistory } from './history.js';
import { formatReport } from './report.js';
import { taylorGradientsOnData, type TaylorData } from './taylor-data.js';
import type { Tensor } from '../torch/index.js';

export interface ModelSource {
  weights?: string;
  cfg?: string;
  nc?: number;
}

export interface PruneRunOptions {
  source: ModelSource;
  prune: Omit<PruneOptions, 'model' | 'replay'>;
  /** a history.json to re-apply instead of planning */
  replay?: string;
  /** where --method taylor gets its gradients */
  taylor?: TaylorData;
  project: string;
  name: string;
  existOk?: boolean;
}

export interface PruneRunResult {
  dir: string | null;
  result: PruneResult;
}

interface Loaded {
  model: Yolov5Model;
  info: Record<string, unknown>;
}

function loadPlainWeights(model: Yolov5Model, file: string): void {
  const { tensors } = loadSafetensors(file);
  try {
    model.store.loadStateDict(new Map([...tensors].filter(([k]) => model.store.get(k))), { strict: true });
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

export function loadModelSource(s: ModelSource, log: (line: string) => void): Loaded {
  if (s.weights && !s.cfg) {
    const ck = loadCheckpoint(s.weights);
    for (const t of ck.extra.values()) t.dispose();
    return { model: ck.model, info: ck.info };
  }
  if (!s.cfg) throw new PruneError('give --weights, --cfg, or both');
  const spec = specFromYaml(loadModelYaml(s.cfg), { nc: s.nc });
  const model = new Yolov5Model(spec, Array.from({ length: spec.nc }, (_, i) => `class${i}`));
  if (!s.weights) {
    log(`${s.cfg}: a freshly initialised model (random weights; the counts are what they would be for trained ones)`);
    return { model, info: {} };
  }
  try {
    loadPlainWeights(model, s.weights);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, info: { weightsFrom: path.basename(s.weights) } };
}

function previousHistories(info: Record<string, unknown>): PruneHistory[] {
  const p = info.pruning;
  if (Array.isArray(p)) return p as PruneHistory[];
  return p && typeof p === 'object' ? [p as PruneHistory] : [];
}

function describeSteps(r: PruneResult, log: (line: string) => void): void {
  for (const s of r.history.steps) {
    const group = s.members.length > 1 ? ` (with ${s.members.filter((m) => m !== s.conv).join(', ')})` : '';
    log(`${s.conv}${group}: ${s.before} → ${s.before - s.removed.length} channels`);
  }
}

function writeOutputs(dir: string, loaded: Loaded, r: PruneResult, logLines: string[]): void {
  const info = { ...loaded.info, pruning: [...previousHistories(loaded.info), r.history] };
  saveCheckpoint(path.join(dir, 'pruned.safetensors'), r.model!, { info });
  writeHistory(path.join(dir, 'history.json'), r.history);
  writeFileSync(path.join(dir, 'report.md'), `${formatReport(r.report)}\n`);
  writeFileSync(path.join(dir, 'prune.log'), `${logLines.join('\n')}\n`);
}

/** Loads, prunes and (unless a dry run) saves; `print` receives every log line. The caller disposes result.model. */
export async function runPrune(o: PruneRunOptions, print: (line: string) => void = console.log): Promise<PruneRunResult> {
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    print(line);
  };
  const loaded = loadModelSource(o.source, log);
  let gradients: Map<string, Tensor> | undefined;
  try {
    const replay = o.replay ? readHistory(o.replay) : undefined;
    if (o.prune.method === 'taylor' && !replay && !o.prune.gradients) {
      if (!o.taylor) throw new PruneError('--method taylor scores filters by gradients on your data: give --data data.yaml');
      gradients = await taylorGradientsOnData(loaded.model, o.taylor, log);
    }
    const result = prune({ ...o.prune, gradients: o.prune.gradients ?? gradients, model: loaded.model, replay });
    try {
      describeSteps(result, log);
      log(formatReport(result.report));
      if (!result.model) return { dir: null, result };
      const dir = makeRunDir({ project: o.project, name: o.name, existOk: o.existOk });
      log(`saved ${path.join(dir, 'pruned.safetensors')} (history.json, report.md, prune.log beside it)`);
      writeOutputs(dir, loaded, result, lines);
      return { dir, result };
    } catch (e) {
      result.model?.dispose();
      throw e;
    }
  } finally {
    loaded.model.dispose();
    for (const g of gradients?.values() ?? []) g.dispose();
  }
}
