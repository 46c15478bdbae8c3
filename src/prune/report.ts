// The pruning report: every convolution's channels before -> after, parameters and GFLOPs (at 640,
// as YOLOv5 counts them), and, when measured, CPU forward latency before -> after.
import { noGrad, scope, zeros, getNumThreads, type Tensor } from '../torch/index.js';
import type { Yolov5Model } from '../model/build.js';
import { gflops } from '../model/summary.js';
import type { ModelSpec } from '../model/spec.js';
import type { Channels } from './groups.js';
import type { PruneGraph } from './graph.js';
import { paramCount } from './resize.js';
import type { ModelSize } from './history.js';
import type { Skipped } from './plan.js';
import { median } from '../eval/numeric.js';

export interface ConvRow {
  /** the Conv2d's name: `model.4.cv1.conv`, `model.24.m.0` */
  name: string;
  c1: [number, number];
  c2: [number, number];
}

export interface Latency {
  img: number;
  threads: number;
  /** median milliseconds of a batch-1 forward pass, before and after */
  beforeMs: number;
  afterMs: number;
}

export interface PruneReport {
  convs: ConvRow[];
  before: ModelSize;
  after: ModelSize;
  latency?: Latency;
  skipped: Skipped[];
  notes: string[];
}

export function modelSize(spec: ModelSpec): ModelSize {
  return { params: paramCount(spec), gflops: gflops(spec) };
}

export function convRows(graph: PruneGraph, after: Channels): ConvRow[] {
  return [...graph.nodes.values()].map((n) => {
    const a = after.get(n.id)!;
    return { name: n.kind === 'Conv' ? `${n.id}.conv` : n.id, c1: [n.spec.c1, a.c1], c2: [n.spec.c2, a.c2] };
  });
}

function timeForward(model: Yolov5Model, x: Tensor): number {
  const t0 = performance.now();
  scope(() => model.forward(x, { decode: true }));
  return performance.now() - t0;
}

/**
 * Median wall time (ms) of a batch-1, eval-mode forward pass at img x img of each model, the models
 * taking turns (so a busy machine slows them alike), after one warm-up pass each.
 */
export function measureLatency(models: readonly Yolov5Model[], img = 640, runs = 3): number[] {
  const modes = models.map((m) => m.training);
  for (const m of models) m.eval();
  try {
    return noGrad(() => scope(() => {
      const x = zeros([1, models[0]!.spec.inputChannels, img, img]);
      for (const m of models) timeForward(m, x);
      const times: number[][] = models.map(() => []);
      for (let r = 0; r < runs; r++) models.forEach((m, i) => times[i]!.push(timeForward(m, x)));
      return times.map(median);
    }));
  } finally {
    models.forEach((m, i) => m.train(modes[i]));
  }
}

export function latencyOf(before: Yolov5Model, after: Yolov5Model, img = 640, runs = 3): Latency {
  const [beforeMs, afterMs] = measureLatency([before, after], img, runs) as [number, number];
  return { img, threads: getNumThreads(), beforeMs, afterMs };
}

const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%`;
const arrow = ([a, b]: [number, number]) => (a === b ? String(a) : `${a} → ${b}`);

export function formatReport(r: PruneReport): string {
  const lines: string[] = [];
  lines.push('| conv | in channels | out channels |', '| --- | --- | --- |');
  for (const c of r.convs) lines.push(`| ${c.name} | ${arrow(c.c1)} | ${arrow(c.c2)} |`);
  lines.push('');
  lines.push(`parameters: ${r.before.params.toLocaleString('en-US')} → ${r.after.params.toLocaleString('en-US')} (${pct(r.before.params, r.after.params)})`);
  lines.push(`GFLOPs at 640: ${r.before.gflops.toFixed(2)} → ${r.after.gflops.toFixed(2)} (${pct(r.before.gflops, r.after.gflops)})`);
  if (r.latency) {
    const l = r.latency;
    lines.push(`CPU latency at ${l.img} (batch 1, ${l.threads} threads, median): ${l.beforeMs.toFixed(1)} ms → ${l.afterMs.toFixed(1)} ms (${pct(l.beforeMs, l.afterMs)})`);
  }
  for (const s of r.skipped) lines.push(`skipped ${s.conv}: ${s.reason}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
