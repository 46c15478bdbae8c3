// bench:infer: per-image latency of the deployment path, libtorch vs ONNX Runtime, same threads.
// For yolov5n and yolov5n pruned (layers 0-9, half the filters, L1, src/prune) at 320 and 640:
// pre-process (JPEG decode + letterbox to the square size), inference (the engine's forward pass,
// Conv+BN fused on both), NMS (src/eval/nms.ts, conf 0.25, IoU 0.45, max_det 1000), batch 1.
// The engines take turns image by image (the order swapped every image), so both see the same
// machine; medians after warm-up, and the fastest inference as a quiet-machine estimate. Then
// forward only at batch 4, 320 (the DESIGN.md measurement).
// Env: BENCH_THREADS (default: all cores), BENCH_ROUNDS (3), BENCH_IMAGES (8), BENCH_ORT_SPIN=1
// (ONNX Runtime's default spin-waiting threads: in one process with libtorch they keep a core busy
// after each run and slow libtorch's OpenMP threads several-fold, so spinning is off by default
// here; a deployment runs one engine per process).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { fuseModel } from '../../src/model/fuse.js';
import type { Yolov5Model } from '../../src/model/build.js';
import { exportOnnx } from '../../src/export/onnx.js';
import { LibtorchEngine, OrtEngine, type Engine } from '../../src/infer/engines/index.js';
import { preprocessImage } from '../../src/infer/preprocess.js';
import { nonMaxSuppression } from '../../src/eval/nms.js';
import { prune } from '../../src/prune/index.js';
import { officialModel, REFERENCE, SHARED } from '../../test/export/models.js';

const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const N_IMAGES = Number(process.env.BENCH_IMAGES ?? 8);
const SIZES = [320, 640];
const ORT_SPIN = process.env.BENCH_ORT_SPIN === '1';
T.setNumThreads(THREADS);

interface Stages { pre: number; inf: number; nms: number; total: number }
interface Summary extends Stages { infMin: number }

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function summarise(s: Stages[]): Summary {
  const of = (k: keyof Stages) => median(s.map((x) => x[k]));
  return { pre: of('pre'), inf: of('inf'), nms: of('nms'), total: of('total'), infMin: Math.min(...s.map((x) => x.inf)) };
}

function images(): { name: string; bytes: Buffer }[] {
  const fruit = path.join(SHARED, 'datasets/fruit/images');
  const files = [path.join(REFERENCE, 'bus.jpg'), ...readdirSync(fruit).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(fruit, f))];
  return files.slice(0, N_IMAGES).map((f) => ({ name: path.basename(f), bytes: readFileSync(f) }));
}

async function oneImage(engine: Engine, bytes: Buffer, size: number): Promise<Stages> {
  const t0 = performance.now();
  const { chw } = await preprocessImage(bytes, [size, size], { auto: false });
  const t1 = performance.now();
  const { pred, dims } = await engine.run(chw, [1, 3, size, size]);
  const t2 = performance.now();
  nonMaxSuppression(pred, dims[1], dims[2], { confThres: 0.25, iouThres: 0.45, maxDet: 1000 });
  const t3 = performance.now();
  return { pre: t1 - t0, inf: t2 - t1, nms: t3 - t2, total: t3 - t0 };
}

/** Both engines over the images, taking turns per image; a summary per engine. */
async function endToEnd(engines: Engine[], size: number, imgs: { bytes: Buffer }[]): Promise<Summary[]> {
  const samples: Stages[][] = engines.map(() => []);
  for (const e of engines) for (const im of imgs.slice(0, 2)) await oneImage(e, im.bytes, size);
  let turn = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const im of imgs) {
      const order = turn++ % 2 ? [1, 0] : [0, 1];
      for (const k of order) samples[k]!.push(await oneImage(engines[k]!, im.bytes, size));
    }
  }
  return samples.map(summarise);
}

/** Forward passes only, engines taking turns: [median, min] per engine. */
async function forwardOnly(engines: Engine[], batch: number, size: number, reps: number): Promise<[number, number][]> {
  T.manualSeed(0);
  const x = T.scope(() => T.rand([batch, 3, size, size]).data() as Float32Array);
  const shape = [batch, 3, size, size] as const;
  const ms: number[][] = engines.map(() => []);
  for (const e of engines) await e.run(x, shape);
  for (let r = 0; r < reps; r++) {
    for (const k of r % 2 ? [1, 0] : [0, 1]) {
      const t0 = performance.now();
      await engines[k]!.run(x, shape);
      ms[k]!.push(performance.now() - t0);
    }
  }
  return ms.map((v) => [median(v), Math.min(...v)]);
}

async function enginesFor(model: Yolov5Model, size: number, batch: number, file: string): Promise<Engine[]> {
  writeFileSync(file, exportOnnx(model, { img: size, batch }).bytes);
  return [new LibtorchEngine(fuseModel(model), '', true), await OrtEngine.open(file, { threads: THREADS, spin: ORT_SPIN })];
}

/** CPU seconds all processes have used (Linux /proc/stat), or null elsewhere. */
function machineCpuSeconds(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
    return (user + nice + system + irq + softirq + (steal ?? 0)) / 100;
  } catch {
    return null;
  }
}

/** How many cores other processes kept busy on average since `start` (our own CPU time left out). */
function foreignCores(start: { wall: number; machine: number | null; own: NodeJS.CpuUsage }): string {
  const machine = machineCpuSeconds();
  if (machine === null || start.machine === null) return 'unknown';
  const own = process.cpuUsage(start.own);
  const foreign = machine - start.machine - (own.user + own.system) / 1e6;
  return (Math.max(0, foreign) / ((performance.now() - start.wall) / 1000)).toFixed(2);
}

const f1 = (v: number) => v.toFixed(1);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

async function main(): Promise<void> {
  const load0 = loadavg()[0]!;
  const start = { wall: performance.now(), machine: machineCpuSeconds(), own: process.cpuUsage() };
  const dir = mkdtempSync(path.join(tmpdir(), 'yt-bench-infer-'));
  const official = officialModel().eval();
  const pruned = prune({ model: official, layers: '0-9', ratio: 0.5, method: 'l1' }).model!.eval();
  const models: [string, string, Yolov5Model][] = [['yolov5n', 'n', official], ['yolov5n pruned 0-9 @0.5', 'n-pruned', pruned]];
  const imgs = images();
  console.log(`bench:infer — ${THREADS} threads (libtorch set_num_threads = ORT intraOpNumThreads), batch 1, ${imgs.length} images x ${ROUNDS} rounds, ` +
    `medians (ms); ORT spin-wait ${ORT_SPIN ? 'on' : 'off'}`);
  console.log(`params: yolov5n ${official.store.numParameters()}, pruned ${pruned.store.numParameters()}; NMS: src/eval/nms.ts\n`);
  console.log('| model | img | engine | pre-process | inference | NMS | total | inference, fastest | ORT speed-up: inference / total / fastest |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [label, tag, model] of models) {
    for (const size of SIZES) {
      const engines = await enginesFor(model, size, 1, path.join(dir, `${tag}-${size}.onnx`));
      const [lt, ort] = (await endToEnd(engines, size, imgs)) as [Summary, Summary];
      const row = (name: string, s: Summary, extra: string) =>
        `| ${label} | ${size} | ${name} | ${f1(s.pre)} | ${f1(s.inf)} | ${f1(s.nms)} | ${f1(s.total)} | ${f1(s.infMin)} | ${extra} |`;
      console.log(row('libtorch', lt, ''));
      console.log(row('onnxruntime', ort, `${ratio(lt.inf, ort.inf)} / ${ratio(lt.total, ort.total)} / ${ratio(lt.infMin, ort.infMin)}`));
      for (const e of engines) await e.dispose();
    }
  }
  const engines = await enginesFor(official, 320, 4, path.join(dir, 'n-320-b4.onnx'));
  const [[ltMed, ltMin], [ortMed, ortMin]] = (await forwardOnly(engines, 4, 320, Math.max(6, ROUNDS * 4))) as [[number, number], [number, number]];
  console.log(`\nforward only, yolov5n, batch 4, 320: libtorch ${f1(ltMed)} ms (fastest ${f1(ltMin)}), onnxruntime ${f1(ortMed)} ms (fastest ${f1(ortMin)}): ` +
    `${ratio(ltMed, ortMed)} (fastest ${ratio(ltMin, ortMin)})`);
  // other processes on the cores make libtorch's spin-waiting OpenMP threads very slow: say so
  console.log(`load average (1 min) at start ${load0.toFixed(2)}, at end ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores; ` +
    `other processes kept ${foreignCores(start)} cores busy on average during the run`);
  for (const e of engines) await e.dispose();
  official.dispose();
  pruned.dispose();
  rmSync(dir, { recursive: true, force: true });
}

await main();
