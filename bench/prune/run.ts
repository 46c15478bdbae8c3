// bench:prune: on yolov5s (nc 1, freshly initialised), the time to build the dependency graph, plan
// (score + slice) and build the pruned model, for the backbone at 0.5 (local, the original's
// semantics) and for 50% of the GFLOPs (global, every prunable layer); then the CPU forward latency at
// 640, batch 1, before vs after (models taking turns, medians). Last line: prune_total_ms=<worst case>.
import * as T from '../../src/torch/index.js';
import { loadModelYaml, specFromYaml } from '../../src/model/yaml.js';
import { Yolov5Model } from '../../src/model/build.js';
import { buildGraph } from '../../src/prune/graph.js';
import { WorkingCopy } from '../../src/prune/apply.js';
import { makeImportance } from '../../src/prune/importance.js';
import { planGlobal, planLocal } from '../../src/prune/plan.js';
import { selectConvs } from '../../src/prune/select.js';
import { measureLatency, modelSize } from '../../src/prune/report.js';

const IMG = Number(process.env.BENCH_IMG ?? 640);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Case {
  name: string;
  layers: string;
  plan: (copy: WorkingCopy, selected: string[]) => void;
}

const l1 = makeImportance('l1');
const cases: Case[] = [
  { name: 'backbone 0-9, ratio 0.5, local', layers: '0-9', plan: (c, s) => { planLocal(c, s, l1, 0.5); } },
  { name: 'all layers, 50% GFLOPs, global', layers: '0-23', plan: (c, s) => { planGlobal(c, s, l1, { targetFlops: 0.5 }); } },
];

function timed<R>(fn: () => R): [R, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

const spec = specFromYaml(loadModelYaml('yolov5s.yaml'), { nc: 1 });
T.manualSeed(0);
const model = new Yolov5Model(spec, ['object']);
const base = modelSize(spec);
console.log(`bench:prune  yolov5s nc=1 (${base.params.toLocaleString('en-US')} params, ${base.gflops.toFixed(2)} GFLOPs), ${T.getNumThreads()} threads, latency at ${IMG} px, batch 1, median of ${RUNS}`);
console.log('');
console.log('| case | graph ms | plan ms | build ms | total ms | params | GFLOPs | latency before ms | latency after ms | speed-up |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
let worst = 0;
for (const c of cases) {
  const [graph, graphMs] = timed(() => buildGraph(model.spec));
  const selected = selectConvs(model.spec, { layers: c.layers });
  const copy = WorkingCopy.of(graph, model);
  const [, planMs] = timed(() => c.plan(copy, selected));
  const [pruned, buildMs] = timed(() => copy.build(model.names));
  copy.dispose();
  const total = graphMs + planMs + buildMs;
  worst = Math.max(worst, total);
  const after = modelSize(pruned.spec);
  const [before, afterMs] = measureLatency([model, pruned], IMG, RUNS) as [number, number];
  console.log(`| ${c.name} | ${graphMs.toFixed(1)} | ${planMs.toFixed(1)} | ${buildMs.toFixed(1)} | ${total.toFixed(1)} | ${after.params.toLocaleString('en-US')} | ${after.gflops.toFixed(2)} | ${before.toFixed(1)} | ${afterMs.toFixed(1)} | ${(before / afterMs).toFixed(2)}x |`);
  pruned.dispose();
}
model.dispose();
console.log('');
console.log(`target: graph + plan + build < 2000 ms: ${worst < 2000 ? 'met' : 'NOT met'}`);
console.log(`prune_total_ms=${worst.toFixed(1)}`);
