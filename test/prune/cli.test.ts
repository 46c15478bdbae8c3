// `yolotrim prune`: option checks (pure) and whole runs through the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pruneOptionsFrom, type RawPruneOptions } from '../../src/cli/commands/prune.js';
import { saveCheckpoint, loadCheckpoint } from '../../src/model/checkpoint.js';
import { freshModel, randomizeBn, sameTensors } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
function yolotrim(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/yolotrim.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const base: RawPruneOptions = { cfg: 'yolov5s', method: 'l1', scope: 'local', seed: 0, img: 640, latencyRuns: 3, project: 'runs/prune', name: 'exp' };

test('option checks', () => {
  const o = pruneOptionsFrom({ ...base, layers: ['0-9'], ratio: 0.5, nc: 1 });
  assert.deepEqual(o.source, { weights: undefined, cfg: 'yolov5s', nc: 1 });
  assert.equal(o.prune.ratio, 0.5);
  assert.deepEqual(o.prune.latency, { img: 640, runs: 3 });
  assert.equal(pruneOptionsFrom({ ...base, layers: ['0'], ratio: 0.5, latencyRuns: 0 }).prune.latency, undefined);
  for (const [raw, re] of [
    [{ ...base, cfg: undefined }, /give --weights/],
    [{ ...base, ratio: 0.5 }, /give --layers/],
    [{ ...base, layers: ['0'] }, /give --ratio/],
    [{ ...base, layers: ['0'], targetFlops: 0.5 }, /go with --scope global/],
    [{ ...base, layers: ['0'], ratio: 0.5, method: 'taylor' }, /taylor needs gradients/],
    [{ ...base, layers: ['0'], replay: 'h.json' }, /--replay re-applies/],
  ] as [RawPruneOptions, RegExp][]) assert.throws(() => pruneOptionsFrom(raw), re);
  assert.doesNotThrow(() => pruneOptionsFrom({ ...base, layers: ['0-9'], scope: 'global', targetFlops: 0.5 }));
});

test('--dry-run prints the plan and the sizes, and writes nothing', () => {
  const project = mkdtempSync(path.join(tmpdir(), 'yt-prune-cli-'));
  const r = yolotrim('prune', '--cfg', 'yolov5s.yaml', '--nc', '1', '--layers', '0-9', '--ratio', '0.8', '--dry-run', '--project', project);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /model\.2\.cv1 \(with model\.2\.m\.0\.cv2\): 32 → 7 channels/);
  assert.match(r.out, /parameters: 7,022,326 → 3,056,461/);
  assert.match(r.out, /GFLOPs at 640: 15\.80 → /);
  assert.ok(!existsSync(path.join(project, 'exp')));
});

test('a run saves a checkpoint, history, report and log; --replay rebuilds the same model', () => {
  const project = mkdtempSync(path.join(tmpdir(), 'yt-prune-cli-'));
  const model = freshModel('yolov5n', 2);
  randomizeBn(model);
  const weights = path.join(project, 'best.safetensors');
  saveCheckpoint(weights, model, { info: { note: 'trained' } });
  model.dispose();
  const a = yolotrim('prune', '--weights', weights, '--layers', '0-9', 'model.*.cv2.conv', '--exclude', '0', '--ratio', '0.5', '--latency-runs', '1', '--img', '128', '--project', project);
  assert.equal(a.code, 0, a.err);
  const dir = path.join(project, 'exp');
  for (const f of ['pruned.safetensors', 'history.json', 'report.md', 'prune.log']) assert.ok(existsSync(path.join(dir, f)), f);
  assert.match(readFileSync(path.join(dir, 'report.md'), 'utf8'), /\| model\.1\.conv \| 16 \| 32 → 16 \|[\s\S]*CPU latency at 128/);
  assert.match(readFileSync(path.join(dir, 'prune.log'), 'utf8'), /parameters: 1,7\d\d,\d{3} → /);
  const b = yolotrim('prune', '--weights', weights, '--replay', path.join(dir, 'history.json'), '--latency-runs', '0', '--project', project);
  assert.equal(b.code, 0, b.err);
  const first = loadCheckpoint(path.join(dir, 'pruned.safetensors'));
  const second = loadCheckpoint(path.join(project, 'exp2', 'pruned.safetensors'));
  assert.ok(sameTensors(first.model, second.model));
  assert.equal(first.info.note, 'trained');
  assert.equal((first.info.pruning as unknown[]).length, 1);
  assert.deepEqual(first.model.names, ['c0', 'c1']);
  first.model.dispose();
  second.model.dispose();
});

test('bad selections fail with one line and exit 1; usage errors exit 2', () => {
  const r = yolotrim('prune', '--cfg', 'yolov5n', '--layers', '0-30', '--ratio', '0.5', '--dry-run');
  assert.equal(r.code, 1);
  assert.equal(r.err.trim(), "yolotrim: '0-30': the model has layers 0-24");
  const u = yolotrim('prune', '--cfg', 'yolov5n', '--layers', '0-9');
  assert.equal(u.code, 2);
  assert.match(u.err, /give --ratio/);
});
