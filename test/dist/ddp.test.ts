// Data parallel across real processes on 127.0.0.1 with Gloo: the collectives, the launcher's
// fail-fast, two processes training to the same weights as one, and a killed rank stopping the other.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeYoloDataset, type FixtureImage } from '../helpers/yolo-fixture.js';
import { freePort, launch } from '../../src/dist/launcher.js';
import { ResultsCsv } from '../../src/train/results.js';
import { loadSafetensors } from '../../src/torch/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(root, 'bin', 'yolotrim.js');
const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}, onStdout?: (text: string, child: ChildProcess) => void): { child: ChildProcess; done: Promise<Exit> } {
  const started = Date.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
    onStdout?.(stdout, child);
  });
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Exit>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })));
  return { child, done };
}

function rankEnv(rank: number, port: number, timeoutS: number): NodeJS.ProcessEnv {
  return { RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: '2', LOCAL_WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), YOLOTRIM_DIST_TIMEOUT: String(timeoutS) };
}

/**
 * Images that each hold one box of the same size at the same place (classes and colours vary), and a
 * hyp with no augmentation that moves boxes. Why: YOLOv5's loss averages the box and class terms over
 * the targets matched in a process's batch, so with DDP (each rank's loss × WORLD_SIZE, gradients
 * averaged) the sum equals one process's gradient only when every image brings the same number of
 * matches. BatchNorm's batch statistics are the other difference between a rank's half batch and the
 * whole batch; --sync-bn removes it (without it the weights differ by ~5e-2 after 4 steps here).
 */
async function sameBoxData(): Promise<{ data: string; hyp: string }> {
  const dir = temp('yt-ddp-data-');
  const images: FixtureImage[] = Array.from({ length: 24 }, (_, i) => ({
    name: `im${String(i).padStart(2, '0')}.png`, width: 64, height: 64, format: 'png',
    boxes: [{ cls: (i * 7) % 3, x1: 12, y1: 16, x2: 40, y2: 44 }],
  }));
  const data = await writeYoloDataset(dir, images, ['a', 'b', 'c']);
  const hyp = path.join(dir, 'hyp.yaml');
  writeFileSync(hyp, 'hsv_h: 0.0\nhsv_s: 0.0\nhsv_v: 0.0\ntranslate: 0.0\nscale: 0.0\nfliplr: 0.0\nmosaic: 0.0\n');
  return { data, hyp };
}

const TRAIN_ARGS = (data: string, hyp: string, project: string, name: string, epochs: number) => [
  'train', '--cfg', 'yolov5n.yaml', '--data', data, '--hyp', hyp, '--img', '64', '--batch-size', '8', '--epochs', String(epochs),
  '--noplots', '--noautoanchor', '--workers', '0', '--project', project, '--name', name,
];

test('collectives between two processes: all-reduce, broadcast, all-gather (with its gradient), barrier, store', async () => {
  const port = await freePort();
  const fixture = path.join(root, 'test', 'dist', 'fixtures', 'collectives.ts');
  const ranks = [0, 1].map((r) => run(['--import', 'tsx', fixture], rankEnv(r, port, 30)));
  const [r0, r1] = await Promise.all(ranks.map((r) => r.done));
  assert.equal(r0!.code, 0, r0!.stderr);
  assert.equal(r1!.code, 0, r1!.stderr);
  const [o0, o1] = [JSON.parse(r0!.stdout), JSON.parse(r1!.stdout)];
  for (const o of [o0, o1]) {
    assert.deepEqual(o.sum, [3, 30]);
    assert.deepEqual(o.max, [1, 0]);
    assert.deepEqual(o.root, [7, 8]);
    assert.deepEqual(o.gathered, [0, 0.5, 1, 1.5]);
    assert.deepEqual(o.shape, [2, 2]);
    assert.equal(o.greeting, 'hello from rank 0');
  }
  assert.deepEqual(o0.grad, [2, 2], 'rank 0 gets the gradient both ranks\' losses send to its slot');
  assert.deepEqual(o1.grad, [8, 8]);
});

test('the launcher stops the other ranks when one fails, and fails with its exit code', async () => {
  const script = 'if (process.env.RANK === "1") setTimeout(() => process.exit(3), 200); else setInterval(() => {}, 1000);';
  const lines: string[] = [];
  const t0 = Date.now();
  const code = await launch({ kind: 'launch', nprocPerNode: 2, nnodes: 1, nodeRank: 0, masterAddr: '127.0.0.1', masterPort: null },
    { command: process.execPath, args: ['-e', script], log: (l) => lines.push(l), graceMs: 2000 });
  assert.equal(code, 3);
  assert.ok(Date.now() - t0 < 10_000);
  assert.ok(lines.some((l) => /rank 1 \(pid \d+\) exited with code 3; stopping the other 1 rank\(s\)/.test(l)), lines.join('\n'));
});

test('2 processes x batch 4 (--nproc-per-node 2 --sync-bn) train to the weights of 1 process x batch 8, within 1e-5', async (t) => {
  const { data, hyp } = await sameBoxData();
  const project = temp('yt-ddp-runs-');
  // 24 images, batch 8: 3 optimizer steps (warm-up keeps accumulation at 1), then validation on rank 0.
  // The single process gets the cores of one rank (LOCAL_WORLD_SIZE=2: 1 libtorch thread), as each of the two.
  const one = await run([CLI, ...TRAIN_ARGS(data, hyp, project, 'one', 1)], { LOCAL_WORLD_SIZE: '2' }).done;
  assert.equal(one.code, 0, one.stderr);
  const two = await run([CLI, ...TRAIN_ARGS(data, hyp, project, 'two', 1), '--nproc-per-node', '2', '--sync-bn']).done;
  assert.equal(two.code, 0, two.stderr);
  assert.deepEqual(readdirSync(project).sort(), ['one', 'two'], 'one run folder, made by rank 0');
  assert.equal(ResultsCsv.read(path.join(project, 'two', 'results.csv')).rows.length, 1);
  const a = loadSafetensors(path.join(project, 'one', 'weights', 'last.safetensors')).tensors;
  const b = loadSafetensors(path.join(project, 'two', 'weights', 'last.safetensors')).tensors;
  let worst = 0, where = '', moved = 0, compared = 0;
  for (const [name, t] of a) {
    if (!name.startsWith('train.model/') || t.dtype !== 'float32') continue;
    const x = t.toArray(), y = b.get(name)!.toArray();
    x.forEach((v, i) => {
      const d = Math.abs(v - y[i]!);
      if (d > worst) [worst, where] = [d, name];
    });
    if (name.endsWith('bn.bias')) moved = Math.max(moved, ...x.map(Math.abs)); // zero before training
    compared++;
  }
  assert.ok(compared > 250, `${compared} tensors compared`);
  assert.ok(moved > 1e-3, `training moved the weights (BN biases up to ${moved}) far more than the tolerance`);
  t.diagnostic(`${compared} tensors, max |difference| ${worst.toExponential(2)} in ${where}`);
  assert.ok(worst < 1e-5, `max |difference| ${worst} in ${where}`);
});

test('a killed rank makes the other exit non-zero within the timeout, saying what happened', async () => {
  const { data, hyp } = await sameBoxData();
  const project = temp('yt-ddp-kill-');
  const port = await freePort();
  const timeoutS = 20;
  const args = [CLI, ...TRAIN_ARGS(data, hyp, project, 'kill', 100), '--noval'];
  const rank1 = run(args, rankEnv(1, port, timeoutS));
  let killedAt = 0;
  const rank0 = run(args, rankEnv(0, port, timeoutS), (out) => {
    if (!killedAt && /epoch 1\/100 done/.test(out)) {
      killedAt = Date.now();
      rank1.child.kill('SIGKILL');
    }
  });
  const [e0, e1] = await Promise.all([rank0.done, rank1.done]);
  assert.ok(killedAt > 0, `rank 0 trained an epoch first\n${e0.stdout}\n${e0.stderr}`);
  assert.equal(e1.code, null, 'rank 1 was killed');
  assert.notEqual(e0.code, 0);
  const waited = (Date.now() - killedAt) / 1000;
  assert.ok(waited < timeoutS, `rank 0 stopped ${waited.toFixed(1)} s after the kill`);
  assert.match(e0.stderr, /yolotrim: rank 0\/2: .* failed: .*another rank exited or crashed/);
});
