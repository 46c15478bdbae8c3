// prune(): the library entry. Graph from the spec -> selection -> plan (local or global, or a replayed
// history) -> a new model with the pruned architecture; the input model is left as it was.
import type { Tensor } from '../torch/index.js';
import type { Yolov5Model } from '../model/build.js';
import type { ModelSpec } from '../model/spec.js';
import { buildGraph } from './graph.js';
import { WorkingCopy } from './apply.js';
import { IMPORTANCE_METHODS, makeImportance, type ImportanceMethod } from './importance.js';
import { planGlobal, planLocal, type PlanResult } from './plan.js';
import { selectConvs } from './select.js';
import { HISTORY_FORMAT, replaySteps, type PruneHistory } from './history.js';
import { convRows, latencyOf, modelSize, type PruneReport } from './report.js';

export { buildGraph, type PruneGraph, type ConvNode } from './graph.js';
export { selectConvs, selectableConvs, SelectionError, type SelectOptions } from './select.js';
export { makeImportance, taylorGradients, IMPORTANCE_METHODS, type ImportanceMethod, type LossFn } from './importance.js';
export { readHistory, writeHistory, parseHistory, HistoryError, type PruneHistory, type PruneStep } from './history.js';
export { formatReport, measureLatency, type PruneReport } from './report.js';
export { WorkingCopy } from './apply.js';
export { addBnL1Subgradient } from './sparsity.js';

export type PruneScope = 'local' | 'global';

export interface PruneOptions {
  model: Yolov5Model;
  /** the selection (`0-9`, `model.4.cv1.conv`, `model.*.cv2.conv`, ...); not needed with replay */
  layers?: string | readonly string[];
  exclude?: string | readonly string[];
  /** block indices also select C3's bottleneck convolutions */
  deep?: boolean;
  /** local: the fraction of each selected conv's filters; global: of all selected channels */
  ratio?: number;
  method?: ImportanceMethod;
  scope?: PruneScope;
  /** global: at most this fraction of one group (default 0.9) */
  maxRatio?: number;
  /** keep multiples of N channels in each pruned layer (default 1) */
  roundTo?: number;
  /** global: prune until GFLOPs <= targetFlops x the model's */
  targetFlops?: number;
  /** seed of the random criterion */
  seed?: number;
  /** taylor: conv weight gradients by parameter name (taylorGradients); read, not disposed */
  gradients?: ReadonlyMap<string, Tensor>;
  /** re-apply these histories' steps instead of planning */
  replay?: PruneHistory | readonly PruneHistory[];
  /** plan and report, but build no model */
  dryRun?: boolean;
  /** measure CPU latency before/after (not in a dry run) */
  latency?: { img?: number; runs?: number };
}

export interface PruneResult {
  /** the pruned model (null in a dry run); the caller disposes it */
  model: Yolov5Model | null;
  spec: ModelSpec;
  history: PruneHistory;
  report: PruneReport;
}

export class PruneError extends Error {
  override name = 'PruneError';
}

function checkOptions(o: PruneOptions): void {
  if (o.replay) return;
  const scope = o.scope ?? 'local';
  if (!o.layers || (Array.isArray(o.layers) && o.layers.length === 0)) throw new PruneError('no layers selected');
  if (!IMPORTANCE_METHODS.includes(o.method ?? 'l1')) throw new PruneError(`unknown method '${o.method}' (one of ${IMPORTANCE_METHODS.join(', ')})`);
  if (o.method === 'taylor' && !o.gradients) throw new PruneError('the taylor criterion needs gradients (taylorGradients with a loss callback)');
  if (o.targetFlops !== undefined) {
    if (scope !== 'global') throw new PruneError('a FLOPs target needs the global scope');
    if (!(o.targetFlops > 0 && o.targetFlops <= 1)) throw new PruneError(`targetFlops is a fraction in (0, 1], got ${o.targetFlops}`);
  } else if (o.ratio === undefined) throw new PruneError('give a ratio (or, with the global scope, a FLOPs target)');
  if (o.ratio !== undefined && !(o.ratio >= 0 && o.ratio < 1)) throw new PruneError(`ratio is a fraction in [0, 1), got ${o.ratio}`);
  if (o.maxRatio !== undefined && !(o.maxRatio > 0 && o.maxRatio < 1)) throw new PruneError(`maxRatio is a fraction in (0, 1), got ${o.maxRatio}`);
  if (o.roundTo !== undefined && !(Number.isInteger(o.roundTo) && o.roundTo >= 1)) throw new PruneError(`roundTo is a positive integer, got ${o.roundTo}`);
}

function recordedOptions(o: PruneOptions, selected: readonly string[]): Record<string, unknown> {
  if (o.replay) return { replay: true };
  return {
    layers: o.layers, exclude: o.exclude, deep: o.deep ?? false, selected, ratio: o.ratio, method: o.method ?? 'l1', scope: o.scope ?? 'local',
    maxRatio: o.maxRatio, roundTo: o.roundTo, targetFlops: o.targetFlops, seed: o.seed,
  };
}

function plan(copy: WorkingCopy, o: PruneOptions, selected: readonly string[]): PlanResult {
  if (o.replay) {
    const all = Array.isArray(o.replay) ? o.replay : [o.replay as PruneHistory];
    const steps = all.flatMap((h) => h.steps);
    replaySteps(copy, steps);
    return { steps, skipped: [], notes: [] };
  }
  const importance = makeImportance(o.method ?? 'l1', { seed: o.seed });
  if ((o.scope ?? 'local') === 'local') return planLocal(copy, selected, importance, o.ratio!, o.roundTo);
  return planGlobal(copy, selected, importance, { ratio: o.ratio, targetFlops: o.targetFlops, maxRatio: o.maxRatio, roundTo: o.roundTo });
}

/** Prunes a copy of `o.model`: returns the new model, the replayable history and the report. */
export function prune(o: PruneOptions): PruneResult {
  checkOptions(o);
  const graph = buildGraph(o.model.spec);
  const selected = o.replay ? [] : selectConvs(o.model.spec, { layers: o.layers!, exclude: o.exclude, deep: o.deep });
  const copy = WorkingCopy.of(graph, o.model, o.gradients);
  try {
    const result = plan(copy, o, selected);
    const spec = copy.spec();
    const before = modelSize(o.model.spec);
    const after = modelSize(spec);
    const history: PruneHistory = {
      format: HISTORY_FORMAT, created: new Date().toISOString(), options: recordedOptions(o, selected), before, after, steps: result.steps,
    };
    const model = o.dryRun ? null : copy.build(o.model.names);
    const report: PruneReport = { convs: convRows(graph, copy.channels), before, after, skipped: result.skipped, notes: result.notes };
    if (model && o.latency) report.latency = latencyOf(o.model, model, o.latency.img, o.latency.runs);
    return { model, spec, history, report };
  } finally {
    copy.dispose();
  }
}
