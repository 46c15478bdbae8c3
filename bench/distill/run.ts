// bench:distill: does distillation beat plain fine-tuning of a pruned model? On ../shared/datasets/fruit
// (its test-split.txt as val): teacher = yolov5n trained on the set (30 epochs at 320 from yolov5n.pt,
// as bench:train; BENCH_TEACHER=best.safetensors reuses one), student = the teacher pruned (backbone
// 0-9, ratio 0.5, l1); then from that same student, BENCH_EPOCHS (default 10) epochs of plain
// fine-tuning, of --kd output and of --kd feature, same seed and settings. Prints mAP@0.5 and
// mAP@0.5:0.95 of each (and of the teacher and the untuned student).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { train, TRAIN_DEFAULTS, type TrainOptions } from '../../src/train/train.js';
import { distill } from '../../src/distill/distill.js';
import { runPrune } from '../../src/prune/run.js';
import { val } from '../../src/eval/run-val.js';
import { fruitDataset, SHARED } from '../../test/helpers/fruit.js';

const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 10);
const SEED = Number(process.env.BENCH_SEED ?? 0);
const data = await fruitDataset();
const project = mkdtempSync(path.join(tmpdir(), 'yt-bench-distill-'));
const quiet = (s: string) => { if (/epoch \d+\/\d+ done|all\s+\d+/.test(s)) console.log(s); };
const common: TrainOptions = { ...TRAIN_DEFAULTS, data, imgSize: 320, batchSize: 16, seed: SEED, project, noplots: true, noautoanchor: true, log: quiet };

const metricsOf = async (weights: string, name: string) => {
  const r = await val({ weights, data, imgSize: 320, batchSize: 32, confThres: 0.001, iouThres: 0.6, maxDet: 300, task: 'val', project, name, existOk: false, noplots: true, log: () => {} });
  return { map50: r.metrics.map50, map: r.metrics.map };
};

const t0 = performance.now();
let teacher = process.env.BENCH_TEACHER;
if (!teacher) {
  console.log('training the teacher: yolov5n.pt, 30 epochs at 320 on fruit (set BENCH_TEACHER to reuse one)');
  teacher = (await train({ ...common, weights: path.join(SHARED, 'weights/yolov5n.pt'), epochs: 30, noautoanchor: false, name: 'teacher' })).best;
}
const pruned = await runPrune({ source: { weights: teacher }, prune: { layers: '0-9', ratio: 0.5, method: 'l1', scope: 'local' }, project, name: 'prune' }, () => {});
pruned.result.model?.dispose();
const student = path.join(pruned.dir!, 'pruned.safetensors');
console.log(`student: ${pruned.result.report.before.params} → ${pruned.result.report.after.params} parameters`);

const rows: { name: string; map50: number; map: number; seconds: number }[] = [];
const run = async (name: string, fn: () => Promise<{ best: string }>) => {
  const t = performance.now();
  console.log(`\n== ${name}`);
  const r = await fn();
  rows.push({ name, ...(await metricsOf(r.best, `${name}-val`)), seconds: (performance.now() - t) / 1000 });
};
rows.push({ name: 'teacher', ...(await metricsOf(teacher, 'teacher-val')), seconds: 0 });
rows.push({ name: 'pruned, not tuned', ...(await metricsOf(student, 'student-val')), seconds: 0 });
const tune = { ...common, epochs: EPOCHS };
await run('fine-tune', () => train({ ...tune, weights: student, name: 'finetune' }));
for (const kd of ['output', 'feature'] as const) {
  await run(`distill --kd ${kd}`, () => distill({ ...tune, name: `kd-${kd}`, teacher: teacher!, student, kd, kdWeight: 10, kdTemperature: 1, kdFeatureWeight: 1 }));
}

console.log(`\nbench:distill (${EPOCHS} epochs each, seed ${SEED}, img 320, batch 16; ${((performance.now() - t0) / 60000).toFixed(1)} min; runs in ${project})`);
console.log('| model | mAP@0.5 | mAP@0.5:0.95 | time |');
console.log('| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.name} | ${r.map50.toFixed(3)} | ${r.map.toFixed(3)} | ${r.seconds ? `${r.seconds.toFixed(0)} s` : ''} |`);
const base = rows.find((r) => r.name === 'fine-tune')!;
for (const r of rows.filter((x) => x.name.startsWith('distill'))) console.log(`${r.name.replace('distill --kd ', 'kd_')}_minus_finetune_map50=${(r.map50 - base.map50).toFixed(3)}`);
