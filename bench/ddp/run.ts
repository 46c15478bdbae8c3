// bench:ddp: training throughput of one process with 2 libtorch threads against data parallel with 2
// processes of 1 thread each (--nproc-per-node 2, Gloo on 127.0.0.1), same global batch, on this
// machine's cores. On 2 cores no speed-up is expected: the figure is the cost of the extra process
// (its own copy of the model, the gradient all-reduce every step, --sync-bn's per-layer exchange).
// Same data and settings for each: a generated set (BENCH_IMAGES, default 96, of which ~77 train),
// yolov5n from scratch, --img 320 --batch-size BENCH_BATCH (default 32, so 16 per process: at 8 per
// process libtorch 1.13's one-thread convolution backward is 5-10x slower, in PyTorch too), --cache
// ram --workers 0 (samples are made on each process's main thread between steps, in both set-ups),
// BENCH_EPOCHS (default 5) epochs with
// --noval; images/s is measured from the end of epoch 1 to the end of the second-to-last epoch
// (leaving out start-up, the first iterations and the final validation). The set-ups run in turn,
// BENCH_REPEATS times (default 2), and the best of each counts: on a shared machine another
// process's load slows a run down, never up, and two processes that wait for each other at every
// step suffer most from it (the load average is printed for each run).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { makeSyntheticDataset } from '../../src/demo/synthetic.js';
import { convertDataset } from '../../src/data/convert.js';
import { loadSplitOf } from '../../src/data/dataset.js';
import { readDataYaml } from '../../src/data/formats/data-yaml.js';

const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 5);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);
const BATCH = Number(process.env.BENCH_BATCH ?? 32);
const IMAGES = Number(process.env.BENCH_IMAGES ?? 96);
const root = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(root, 'bin', 'yolotrim.js');
if (EPOCHS < 3) throw new Error('BENCH_EPOCHS must be at least 3 (one warm-up epoch, one measured, the last with validation)');

const dir = mkdtempSync(path.join(tmpdir(), 'yt-bench-ddp-'));
await makeSyntheticDataset({ root: dir, images: IMAGES, size: 320, seed: 1 });
const { dataYaml } = await convertDataset(dir, { decode: false });
const trainImages = (await loadSplitOf(await readDataYaml(dataYaml), 'train')).images.length;

interface Setup {
  name: string;
  args: string[];
}

/** Runs one training; returns the seconds between "epoch 1 done" and "epoch EPOCHS-1 done". */
function measure(s: Setup): Promise<number> {
  const args = [CLI, 'train', '--cfg', 'yolov5n.yaml', '--data', dataYaml, '--img', '320', '--batch-size', String(BATCH), '--epochs', String(EPOCHS),
    '--cache', 'ram', '--workers', '0', '--noval', '--noplots', '--noautoanchor', '--project', dir, '--name', s.name, ...s.args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const done = new Map<number, number>();
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^epoch (\d+)\/\d+ done/.exec(line);
        if (m) done.set(Number(m[1]), performance.now());
      }
    });
    child.on('close', (code) => {
      const from = done.get(1), to = done.get(EPOCHS - 1);
      if (code !== 0 || from === undefined || to === undefined) reject(new Error(`${s.name}: training failed (exit code ${code})`));
      else resolve((to - from) / 1000);
    });
  });
}

const setups: Setup[] = [
  { name: '1proc-x-2threads', args: [] },
  { name: '2proc-x-1thread', args: ['--nproc-per-node', '2'] },
  { name: '2proc-x-1thread-syncbn', args: ['--nproc-per-node', '2', '--sync-bn'] },
];
const measuredImages = trainImages * (EPOCHS - 2);
console.log(`bench:ddp on ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)}: yolov5n, ${trainImages} train images at 320 px, ` +
  `batch ${BATCH} (per process ${BATCH} / processes), ${EPOCHS} epochs, ${EPOCHS - 2} measured`);
const best = new Map<string, number>();
for (let r = 0; r < REPEATS; r++) {
  for (const s of setups) {
    const seconds = await measure(s);
    console.log(`  ${s.name.padEnd(26)} ${(measuredImages / seconds).toFixed(2)} images/s (load average ${loadavg()[0]!.toFixed(2)})`);
    best.set(s.name, Math.min(best.get(s.name) ?? Infinity, seconds));
  }
}
const rows = setups.map((s) => ({ name: s.name, seconds: best.get(s.name)!, ips: measuredImages / best.get(s.name)! }));
console.log(`\nbest of ${REPEATS}:\nset-up                        seconds   images/s   vs 1 process`);
for (const r of rows) {
  console.log(`${r.name.padEnd(28)}${r.seconds.toFixed(1).padStart(9)}${r.ips.toFixed(2).padStart(11)}${(r.ips / rows[0]!.ips).toFixed(2).padStart(13)}x`);
}
console.log(`load average at the end ${loadavg()[0]!.toFixed(2)}`);
console.log(`ddp_ratio=${(rows[1]!.ips / rows[0]!.ips).toFixed(3)}`);
rmSync(dir, { recursive: true, force: true });
