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
import { fruitDataset, COCO_NAMES, SHARED } from '../helpers/fruit.js';

const root = path.resolve(import.meta.dirname, '../..');
function yolotrim(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/yolotrim.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const base: RawPruneOptions = { cfg: 'yolov5s', method: 'l1', scope: 'local', seed: 0, taylorBatches: 8, batchSize: 8, img: 640, latencyRuns: 3, project: 'runs/prune', name: 'exp' };

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
    [{ ...base, layers: ['0'], ratio: 0.5, method: 'taylor' }, /taylor scores filters .* give --data/],
    [{ ...base, layers: ['0'], ratio: 0.5, data: 'd.yaml' }, /--data is only used by --method taylor/],
    [{ ...base, layers: ['0'], replay: 'h.json' }, /--replay re-applies/],
  ] as [RawPruneOptions, RegExp][]) assert.throws(() => pruneOptionsFrom(raw), re);
  assert.doesNotThrow(() => pruneOptionsFrom({ ...base, layers: ['0-9'], scope: 'global', targetFlops: 0.5 }));
  assert.deepEqual(pruneOptionsFrom({ ...base, layers: ['0'], ratio: 0.5, method: 'taylor', data: 'd.yaml', img: 320 }).taylor, { data: 'd.yaml', batches: 8, batchSize: 8, imgSize: 320 });
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

test('--method taylor --data: filters scored by loss gradients on the train split, not by weight size', async () => {
  const data = await fruitDataset(COCO_NAMES);
  const project = mkdtempSync(path.join(tmpdir(), 'yt-prune-taylor-'));
  const weights = path.join(SHARED, 'weights/yolov5n.pt');
  const common = ['prune', '--weights', weights, '--layers', '0-2', '--ratio', '0.5', '--latency-runs', '0', '--project', project];
  const t = yolotrim(...common, '--name', 'taylor', '--method', 'taylor', '--data', data, '--taylor-batches', '2', '--batch-size', '2', '--img', '160');
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /taylor: gradients of the YOLOv5 loss over 2 batches/);
  const l1 = yolotrim(...common, '--name', 'l1');
  assert.equal(l1.code, 0, l1.err);
  const removed = (name: string) => (JSON.parse(readFileSync(path.join(project, name, 'history.json'), 'utf8')) as { options: { method: string }; steps: { removed: number[] }[] });
  const [a, b] = [removed('taylor'), removed('l1')];
  assert.equal(a.options.method, 'taylor');
  assert.equal(a.steps.length, b.steps.length);
  assert.ok(a.steps.every((s, i) => s.removed.length === b.steps[i]!.removed.length), 'same counts per layer');
  assert.ok(a.steps.some((s, i) => JSON.stringify(s.removed) !== JSON.stringify(b.steps[i]!.removed)), 'taylor chose other filters than l1');
  const pruned = loadCheckpoint(path.join(project, 'taylor', 'pruned.safetensors'));
  assert.ok(pruned.model.store.numParameters() < 1_872_157);
  pruned.model.dispose();
});
