// Ctrl-C on `yolotrim train`: the batch in progress ends, `last` keeps the last finished epoch, the
// message says how to continue, the exit code is 130 (128 + SIGINT), and --resume picks it up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSyntheticDataset } from '../../src/demo/synthetic.js';
import { convertDataset } from '../../src/data/convert.js';
import { loadResumeState } from '../../src/train/state.js';

const root = path.resolve(import.meta.dirname, '../..');

test('SIGINT stops training with last saved and exit code 130', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yt-sigint-'));
  await makeSyntheticDataset({ root: path.join(dir, 'data'), images: 16, size: 96, seed: 5 });
  const { dataYaml } = await convertDataset(path.join(dir, 'data'), { trainval: 0.9, train: 0.75, decode: false });
  const child = spawn(process.execPath, [path.join(root, 'bin/yolotrim.js'), 'train', '--data', dataYaml, '--cfg', 'yolov5n.yaml', '--weights', '',
    '--epochs', '50', '--batch-size', '4', '--img', '96', '--workers', '0', '--noplots', '--project', dir, '--name', 'exp'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '', sent = false;
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (!sent && /epoch 1\/50 done/.test(out)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.ok(sent, `training never finished an epoch:\n${out}\n${err}`);
  assert.equal(code, 130, err);
  const last = path.join(dir, 'exp', 'weights', 'last.safetensors');
  assert.match(err, /interrupted in epoch \d+/);
  assert.ok(out.includes(`continue with --resume ${last}`) || err.includes(`continue with --resume ${last}`), out);
  assert.ok(existsSync(last));
  const finished = (out.match(/epoch \d+\/50 done/g) ?? []).length;
  const state = loadResumeState(last);
  assert.equal(state.progress.epoch, finished - 1, 'last holds the last finished epoch');
  for (const t of [...state.rawWeights.values(), ...state.extraWeights.values(), ...state.optimizer.tensors.values()]) t.dispose();
});
