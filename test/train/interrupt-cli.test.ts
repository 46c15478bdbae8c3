// Stopping `yolotrim train` from outside. Ctrl-C: the batch in progress ends, `last` keeps the last
// finished epoch, the message says how to continue, the exit code is 130 (128 + SIGINT). kill -9:
// `last` is whole (written to a temp file, then renamed) and --resume continues after it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSyntheticDataset } from '../../src/demo/synthetic.js';
import { convertDataset } from '../../src/data/convert.js';
import { loadResumeState } from '../../src/train/state.js';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
let dataYaml: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'yt-sigint-'));
  await makeSyntheticDataset({ root: path.join(dir, 'data'), images: 16, size: 96, seed: 5 });
  ({ dataYaml } = await convertDataset(path.join(dir, 'data'), { trainval: 0.9, train: 0.75, decode: false }));
});

/** Runs the CLI and sends `signal` once stdout matches `when`; resolves with the exit code and output. */
async function runUntil(args: string[], when: RegExp, signal: NodeJS.Signals): Promise<{ code: number | null; out: string; err: string; sent: boolean }> {
  const child = spawn(process.execPath, [path.join(root, 'bin/yolotrim.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '', sent = false;
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (!sent && when.test(out)) {
      sent = true;
      child.kill(signal);
    }
  });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, out, err, sent };
}

function savedEpoch(last: string): number {
  const state = loadResumeState(last);
  for (const t of [...state.rawWeights.values(), ...state.extraWeights.values(), ...state.optimizer.tensors.values()]) t.dispose();
  return state.progress.epoch;
}

const trainArgs = (name: string) => ['train', '--data', dataYaml, '--cfg', 'yolov5n.yaml', '--weights', '', '--epochs', '50', '--batch-size', '4', '--img', '96',
  '--workers', '0', '--noplots', '--project', dir, '--name', name];

test('SIGINT (Ctrl-C) stops training with last saved and exit code 130', async () => {
  // --workers 0 on purpose: samples made inline from cached images never wait on I/O
  const r = await runUntil(trainArgs('int'), /epoch 1\/50 done/, 'SIGINT');
  assert.ok(r.sent, `training never finished an epoch:\n${r.out}\n${r.err}`);
  assert.equal(r.code, 130, r.err);
  const last = path.join(dir, 'int', 'weights', 'last.safetensors');
  assert.match(r.err, /interrupted in epoch \d+/);
  assert.ok(`${r.out}${r.err}`.includes(`continue with --resume ${last}`), r.out);
  assert.ok(existsSync(last));
  assert.equal(savedEpoch(last), (r.out.match(/epoch \d+\/50 done/g) ?? []).length - 1, 'last holds the last finished epoch');
});

test('after kill -9, --resume continues from the last finished epoch', async () => {
  const r = await runUntil(trainArgs('kill'), /epoch 2\/50 done/, 'SIGKILL');
  assert.ok(r.sent && r.code === null, `${r.code}\n${r.err}`);
  const last = path.join(dir, 'kill', 'weights', 'last.safetensors');
  const epoch = savedEpoch(last);
  assert.ok(epoch >= 1, `last has epoch ${epoch}`);
  const resumed = await runUntil(['train', '--resume', last], /epoch \d+\/50 done/, 'SIGINT');
  assert.match(resumed.out, new RegExp(`Resuming training from .* from epoch ${epoch + 1} to 50 total epochs`));
  assert.match(resumed.out, new RegExp(`epoch ${epoch + 2}/50 done`), 'the first epoch run after resuming is the next one');
  assert.equal(resumed.code, 130, resumed.err);
});
