// The pruning history: what was removed, step by step, as JSON. Replaying it on the same
// architecture removes exactly the same channels (no scores involved), so a pruned model can be
// rebuilt from the original weights, or the same cut applied to another checkpoint of the model.
import { readFileSync, writeFileSync } from 'node:fs';
import type { WorkingCopy } from './apply.js';

export const HISTORY_FORMAT = 'yolotrim-prune-history/1';

export interface PruneStep {
  /** the conv the step was planned for (`model.4.cv1`); its group is what loses channels */
  conv: string;
  /** the group's members when it was planned (checked on replay) */
  members: string[];
  /** the group's channel count before the step (checked on replay) */
  before: number;
  /** indices into the group's channels before the step, ascending */
  removed: number[];
}

export interface ModelSize {
  params: number;
  gflops: number;
}

export interface PruneHistory {
  format: typeof HISTORY_FORMAT;
  created: string;
  /** how the steps were chosen (informational; replay only needs the steps) */
  options: Record<string, unknown>;
  before: ModelSize;
  after: ModelSize;
  steps: PruneStep[];
}

export class HistoryError extends Error {
  override name = 'HistoryError';
}

function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x));
}

function checkStep(s: unknown, i: number): PruneStep {
  const o = s as Partial<PruneStep> | null;
  if (!o || typeof o !== 'object' || typeof o.conv !== 'string' || !Array.isArray(o.members) || !o.members.every((m) => typeof m === 'string')
    || !Number.isInteger(o.before) || !isIntArray(o.removed)) {
    throw new HistoryError(`step ${i}: expected {conv, members, before, removed}`);
  }
  return { conv: o.conv, members: [...o.members], before: o.before!, removed: [...o.removed] };
}

/** Validates parsed JSON: one history or a list of them (successive pruning runs), in order. */
export function parseHistory(doc: unknown): PruneHistory[] {
  const list = Array.isArray(doc) ? doc : [doc];
  return list.map((h, k) => {
    const o = h as Partial<PruneHistory> | null;
    if (!o || typeof o !== 'object' || o.format !== HISTORY_FORMAT) throw new HistoryError(`history ${k}: not a ${HISTORY_FORMAT} document`);
    if (!Array.isArray(o.steps)) throw new HistoryError(`history ${k}: no steps`);
    return { ...(o as PruneHistory), steps: o.steps.map(checkStep) };
  });
}

export function readHistory(file: string): PruneHistory[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new HistoryError(`${file}: ${(e as Error).message}`);
  }
  try {
    return parseHistory(doc);
  } catch (e) {
    throw new HistoryError(`${file}: ${(e as Error).message}`);
  }
}

export function writeHistory(file: string, h: PruneHistory): void {
  writeFileSync(file, `${JSON.stringify(h, null, 1)}\n`);
}

/** Re-applies the steps to a working copy; fails on the first step that does not fit the model. */
export function replaySteps(copy: WorkingCopy, steps: readonly PruneStep[]): void {
  steps.forEach((s, i) => {
    if (!copy.graph.nodes.has(s.conv)) throw new HistoryError(`step ${i}: the model has no ${s.conv}`);
    const g = copy.graph.groupOf(s.conv);
    if (g.members.join(',') !== s.members.join(',')) {
      throw new HistoryError(`step ${i}: ${s.conv}'s group is ${g.members.join(', ')} here, ${s.members.join(', ')} in the history`);
    }
    const n = copy.size(g);
    if (n !== s.before) throw new HistoryError(`step ${i}: ${s.conv} has ${n} channels here, ${s.before} in the history (another model?)`);
    try {
      copy.remove(g, s.removed);
    } catch (e) {
      throw new HistoryError(`step ${i}: ${(e as Error).message}`);
    }
  });
}
