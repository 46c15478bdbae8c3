// Planning: which channels of which groups go.
//
// local (the original tool's semantics): the selected convs in module order; each is scored on its
// own weights as they are at that moment (earlier steps already removed some of its inputs) and
// loses floor(ratio x its channels) filters (with round-to, adjusted so the nearest multiple of N
// stays): the k-th smallest score is the threshold and every filter scoring <= it goes (ties too).
// A coupled group (C3.cv1 + its bottleneck cv2s) is scored on the conv that was selected, as the
// original did, and pruned as one.
//
// global: one ranking across the selected groups. A group's score per channel is the mean of its
// members' scores, divided by the group's mean so groups of different widths compare; at most
// max-ratio of a group goes (never its last channel); round-to keeps a multiple of N channels (the
// next one up: never more removed than ranked); either floor(ratio x all selected channels) go, or
// as many as reach target-flops x the GFLOPs.
import { gflops } from '../model/summary.js';
import { channelsAfter, type ChannelGroup } from './groups.js';
import type { WorkingCopy } from './apply.js';
import type { Importance } from './importance.js';
import { specWithChannels } from './resize.js';
import type { PruneStep } from './history.js';

export interface Skipped {
  conv: string;
  reason: string;
}

export interface PlanResult {
  steps: PruneStep[];
  skipped: Skipped[];
  notes: string[];
}

/** How many to remove so that the rest is the nearest multiple of roundTo (at least roundTo; none when n <= roundTo). */
export function roundedCount(n: number, k: number, roundTo: number): number {
  if (roundTo <= 1 || k === 0) return k;
  const rest = Math.max(roundTo, Math.round((n - k) / roundTo) * roundTo);
  return Math.max(0, n - rest);
}

/**
 * The original's rule: k = floor(ratio n) (rounded so a multiple of roundTo stays), threshold = the
 * k-th smallest score, and every filter scoring <= it goes.
 */
export function lowestByThreshold(scores: readonly number[], ratio: number, roundTo = 1): number[] {
  const n = scores.length;
  const k = roundedCount(n, Math.floor(ratio * n), roundTo);
  if (k <= 0) return [];
  const threshold = [...scores].sort((a, b) => a - b)[k - 1]!;
  const removed: number[] = [];
  scores.forEach((s, i) => { if (s <= threshold) removed.push(i); });
  if (removed.length >= n) {
    // every score tied: keep one channel (the best, last on ties) rather than empty the layer
    let best = 0;
    scores.forEach((s, i) => { if (s >= scores[best]!) best = i; });
    return removed.filter((i) => i !== best);
  }
  return removed;
}

function prunableGroup(copy: WorkingCopy, conv: string, skipped: Skipped[]): ChannelGroup | null {
  const g = copy.graph.groupOf(conv);
  if (g.prunable) return g;
  skipped.push({ conv, reason: g.reason ?? 'not prunable' });
  return null;
}

/** Plans and applies, one selected conv at a time (scores depend on the earlier removals). */
export function planLocal(copy: WorkingCopy, selected: readonly string[], importance: Importance, ratio: number, roundTo = 1): PlanResult {
  const steps: PruneStep[] = [];
  const skipped: Skipped[] = [];
  for (const conv of selected) {
    const g = prunableGroup(copy, conv, skipped);
    if (!g) continue;
    const removed = lowestByThreshold(importance.scores(conv, copy.convTensors(conv)), ratio, roundTo);
    if (removed.length === 0) continue;
    steps.push({ conv, members: [...g.members], before: copy.size(g), removed });
    copy.remove(g, removed);
  }
  return { steps, skipped, notes: [] };
}

export interface GlobalOptions {
  /** fraction of all selected channels to remove (ignored when targetFlops is given) */
  ratio?: number;
  /** prune until GFLOPs <= targetFlops x the model's GFLOPs */
  targetFlops?: number;
  /** at most this fraction of a group (default 0.9; never its last channel) */
  maxRatio?: number;
  /** keep a multiple of N channels in each pruned group (default 1) */
  roundTo?: number;
}

interface Ranked {
  group: ChannelGroup;
  /** channel indices, lowest normalised score first */
  order: number[];
  cap: number;
}

function rankGroup(copy: WorkingCopy, g: ChannelGroup, importance: Importance, maxRatio: number): { ranked: Ranked; scores: number[] } {
  const n = copy.size(g);
  const sum = new Array<number>(n).fill(0);
  for (const m of g.members) importance.scores(m, copy.convTensors(m)).forEach((s, i) => { sum[i]! += s; });
  const mean = sum.reduce((a, b) => a + b, 0) / n;
  const scores = sum.map((s) => (mean > 0 ? s / mean : s));
  const order = scores.map((_s, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b);
  return { ranked: { group: g, order, cap: Math.min(Math.floor(maxRatio * n), n - 1) }, scores };
}

function roundRemoval(n: number, r: number, roundTo: number): number {
  if (roundTo <= 1 || r === 0) return r;
  const remaining = Math.min(n, Math.ceil((n - r) / roundTo) * roundTo);
  return n - remaining;
}

/** Removal counts per group when the k lowest-ranked channels overall go (caps and rounding applied). */
function countsFor(k: number, candidates: { g: number; score: number }[], ranked: Ranked[], sizes: number[], roundTo: number): Map<number, number> {
  const taken = ranked.map(() => 0);
  let total = 0;
  for (const c of candidates) {
    if (total >= k) break;
    if (taken[c.g]! < ranked[c.g]!.cap) {
      taken[c.g]!++;
      total++;
    }
  }
  return new Map(ranked.map((r, i) => [r.group.id, roundRemoval(sizes[i]!, taken[i]!, roundTo)]));
}

/** Scores every selected group once, on the weights as they are, then applies the chosen removals. */
export function planGlobal(copy: WorkingCopy, selected: readonly string[], importance: Importance, o: GlobalOptions): PlanResult {
  const skipped: Skipped[] = [];
  const notes: string[] = [];
  const groups = [...new Set(selected.map((c) => prunableGroup(copy, c, skipped)).filter((g): g is ChannelGroup => g !== null))];
  const ranked: Ranked[] = [];
  const candidates: { g: number; score: number }[] = [];
  groups.forEach((g, gi) => {
    const { ranked: r, scores } = rankGroup(copy, g, importance, o.maxRatio ?? 0.9);
    ranked.push(r);
    for (const i of r.order) candidates.push({ g: gi, score: scores[i]! });
  });
  candidates.sort((a, b) => a.score - b.score || a.g - b.g);
  const sizes = groups.map((g) => copy.size(g));
  const roundTo = o.roundTo ?? 1;
  const maxK = ranked.reduce((s, r) => s + r.cap, 0);
  let counts: Map<number, number>;
  if (o.targetFlops !== undefined) {
    const base = gflops(copy.spec());
    const flopsAt = (k: number) => gflops(specWithChannels(copy.graph.spec, channelsAfter(copy.graph, copy.channels, countsFor(k, candidates, ranked, sizes, roundTo))));
    const target = o.targetFlops * base;
    let lo = 0;
    let hi = maxK;
    if (flopsAt(hi) > target) notes.push(`target ${o.targetFlops} x ${base.toFixed(2)} GFLOPs not reachable within --max-ratio; reached ${(flopsAt(hi) / base).toFixed(3)}`);
    else {
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (flopsAt(mid) <= target) hi = mid;
        else lo = mid + 1;
      }
    }
    counts = countsFor(hi, candidates, ranked, sizes, roundTo);
  } else {
    const k = Math.floor((o.ratio ?? 0) * sizes.reduce((a, b) => a + b, 0));
    counts = countsFor(k, candidates, ranked, sizes, roundTo);
  }
  const steps: PruneStep[] = [];
  for (const r of ranked) {
    const count = counts.get(r.group.id) ?? 0;
    if (count === 0) continue;
    const removed = r.order.slice(0, count).sort((a, b) => a - b);
    steps.push({ conv: r.group.members[0]!, members: [...r.group.members], before: copy.size(r.group), removed });
    copy.remove(r.group, removed);
  }
  return { steps, skipped, notes };
}
