// bench:engine: a YOLOv5n-shaped network (width 0.25, depth 0.33, 20 classes, batch 4, 320 px),
// forward and forward+backward+SGD step, yolotrim vs PyTorch in the same run, alternating blocks,
// medians after warm-up, same thread count. Last line: train_step_ratio=<yolotrim/pytorch>.
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { native } from '../../src/torch/native.js';
import { SGD } from '../../src/torch/optim/index.js';
import { loadModelYaml, specFromYaml } from '../../src/model/yaml.js';
import { Yolov5Model } from '../../src/model/build.js';
import { PythonPeer, median, pythonHasTorch } from '../lib/python-peer.js';

const BATCH = 4;
const IMG = 320;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PER_BLOCK = Number(process.env.BENCH_PER_BLOCK ?? 2);
const threads = T.getNumThreads();

const spec = specFromYaml(loadModelYaml('yolov5n.yaml'), { nc: 20 });
T.manualSeed(0);
const model = new Yolov5Model(spec, Array.from({ length: 20 }, (_, i) => `c${i}`));
const params = [...model.store.params].map(([name, tensor]) => ({ name, tensor }));
const opt = new SGD([{ params }], { lr: 0.01, momentum: 0.937, nesterov: true, weightDecay: 5e-4 });
const x = T.keep(T.rand([BATCH, 3, IMG, IMG]));

function timeIt(fn: () => void, reps: number): number[] {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return ms;
}

const forward = () => T.scope(() => T.noGrad(() => { model.eval(); model.forward(x, { decode: false }); }));
const trainStep = () => T.scope(() => {
  model.train();
  opt.zeroGrad();
  const { raw } = model.forward(x);
  const loss = raw.map((r) => r.pow(2).mean()).reduce((a, b) => a.add(b));
  loss.backward();
  opt.step();
});

function tinyOverhead(calls: number): { nativeCallUs: number; inplaceUs: number; newTensorUs: number } {
  const a = T.zeros([1]);
  const per = (fn: () => void) => { const t0 = performance.now(); for (let i = 0; i < calls; i++) fn(); return ((performance.now() - t0) * 1e3) / calls; };
  per(() => a.add_(1));
  const nativeCallUs = per(() => native.liveCount());
  const inplaceUs = per(() => a.add_(1));
  const newTensorUs = per(() => a.add(1).dispose());
  a.dispose();
  return { nativeCallUs, inplaceUs, newTensorUs };
}

async function main(): Promise<void> {
  const peer = pythonHasTorch() ? new PythonPeer(path.join(import.meta.dirname, 'reference.py')) : null;
  let pyInfo: { threads: number; torch: string } | null = null;
  if (peer) pyInfo = await peer.request({ spec, threads, batch: BATCH, img: IMG });
  console.log(`bench:engine  yolov5n-shaped (nc 20), batch ${BATCH}, ${IMG} px, ${threads} threads (libtorch ${T.runtimeInfo().libtorch})` +
    (pyInfo ? `; PyTorch ${pyInfo.torch} with ${pyInfo.threads} threads` : '; PyTorch: not available (/usr/bin/python3 has no torch)'));
  const results: Record<string, { ts: number[]; py: number[] }> = { forward: { ts: [], py: [] }, train: { ts: [], py: [] } };
  for (const kind of ['forward', 'train'] as const) {
    const fn = kind === 'forward' ? forward : trainStep;
    timeIt(fn, 2);
    if (peer) await peer.request({ cmd: kind, reps: 2 });
    for (let r = 0; r < ROUNDS; r++) {
      results[kind]!.ts.push(...timeIt(fn, PER_BLOCK));
      if (peer) results[kind]!.py.push(...(await peer.request<{ ms: number[] }>({ cmd: kind, reps: PER_BLOCK })).ms);
    }
  }
  const tiny = tinyOverhead(200_000);
  const pyTiny = peer ? (await peer.request<{ us: number }>({ cmd: 'tiny', calls: 200_000 })).us : NaN;
  peer?.close();

  const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
  console.log('');
  console.log('| measure                    | yolotrim | PyTorch | ratio |');
  console.log('| -------------------------- | -------- | ------- | ----- |');
  for (const kind of ['forward', 'train'] as const) {
    const ts = median(results[kind]!.ts);
    const py = peer ? median(results[kind]!.py) : NaN;
    const label = kind === 'forward' ? 'forward (ms, median)' : 'train step (ms, median)';
    console.log(`| ${label.padEnd(26)} | ${fmt(ts).padStart(8)} | ${fmt(py).padStart(7)} | ${(ts / py).toFixed(2).padStart(5)} |`);
  }
  console.log(`| tiny in-place op (µs/call) | ${tiny.inplaceUs.toFixed(2).padStart(8)} | ${pyTiny.toFixed(2).padStart(7)} | ${(tiny.inplaceUs / pyTiny).toFixed(2).padStart(5)} |`);
  console.log(`| new tensor op (µs/call)    | ${tiny.newTensorUs.toFixed(2).padStart(8)} |         |       |`);
  console.log(`| bare native call (µs/call) | ${tiny.nativeCallUs.toFixed(3).padStart(8)} |         |       |`);
  console.log(`samples per side: ${ROUNDS * PER_BLOCK} (${ROUNDS} alternating rounds of ${PER_BLOCK}, after 2 warm-up)`);
  console.log(`tiny_op_us=${tiny.inplaceUs.toFixed(3)}`);
  const ratio = median(results.train.ts) / median(results.train.py);
  console.log(`train_step_ratio=${peer ? ratio.toFixed(3) : 'nan'}`);
  opt.dispose();
  model.dispose();
}

await main();
