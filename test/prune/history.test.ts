// The history: JSON round trip, exact replay, checks on replay, and the pruned checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { prune } from '../../src/prune/index.js';
import { readHistory, writeHistory, parseHistory, HistoryError } from '../../src/prune/history.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint.js';
import { freshModel, maxAbsDiff, randomizeBn, rawOutputs, sameTensors } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'yt-prune-'));

test('a history written to JSON and replayed on the same weights gives the same model, bit for bit', () => {
  const model = freshModel('yolov5n', 1);
  randomizeBn(model);
  const a = prune({ model, layers: '0-9 model.**.cv1', deep: true, ratio: 0.3, method: 'bn' });
  const file = path.join(dir, 'history.json');
  writeHistory(file, a.history);
  const [h] = readHistory(file);
  assert.deepEqual(h!.steps, a.history.steps);
  const b = prune({ model, replay: h! });
  assert.deepEqual(b.spec, a.spec);
  assert.ok(sameTensors(a.model!, b.model!));
  assert.deepEqual(b.history.steps, a.history.steps);
  // replaying twice in a row (a list of runs) goes on from the first result
  const c = prune({ model: a.model!, layers: '10-23', ratio: 0.5 });
  const d = prune({ model, replay: [a.history, c.history] });
  assert.ok(sameTensors(c.model!, d.model!));
  for (const r of [a, b, c, d]) r.model!.dispose();
  model.dispose();
});

test('replay checks the model: missing convs, other groups, other channel counts', () => {
  const n = freshModel('yolov5n', 1);
  const s = freshModel('yolov5s', 1);
  const r = prune({ model: n, layers: '4', ratio: 0.5, dryRun: true });
  assert.throws(() => prune({ model: s, replay: r.history }), (e: Error) => e instanceof HistoryError && /64 channels here, 32 in the history/.test(e.message));
  const bad = structuredClone(r.history);
  bad.steps[0]!.conv = 'model.4.cv9';
  assert.throws(() => prune({ model: n, replay: bad }), /has no model\.4\.cv9/);
  bad.steps[0]!.conv = 'model.4.m.0.cv2';
  bad.steps[0]!.members = ['model.4.m.0.cv2'];
  assert.throws(() => prune({ model: n, replay: bad }), /group is model\.4\.cv1, model\.4\.m\.0\.cv2, model\.4\.m\.1\.cv2 here/);
  assert.throws(() => parseHistory({ format: 'x' }), /not a yolotrim-prune-history/);
  assert.throws(() => parseHistory({ format: 'yolotrim-prune-history/1', steps: [{ conv: 'model.1' }] }), /step 0/);
  n.dispose();
  s.dispose();
});

test('the pruned checkpoint reloads without a yaml, with the same outputs and its history', () => {
  const model = freshModel('yolov5n', 2);
  randomizeBn(model);
  const r = prune({ model, layers: '0-9', ratio: 0.5, scope: 'global', method: 'l1' });
  const file = path.join(dir, 'pruned.safetensors');
  saveCheckpoint(file, r.model!, { info: { pruning: [r.history] } });
  const ck = loadCheckpoint(file);
  assert.equal(ck.model.store.numParameters(), r.report.after.params);
  assert.deepEqual((ck.info.pruning as unknown[]).length, 1);
  const x = T.keep(T.rand([1, 3, 64, 96]));
  assert.equal(maxAbsDiff(rawOutputs(r.model!, x), rawOutputs(ck.model, x)), 0);
  T.unkeep(x).dispose();
  ck.model.dispose();
  r.model!.dispose();
  model.dispose();
});

test('pruning leaks no tensors', () => {
  const model = freshModel('yolov5n', 1);
  const live = T.liveTensors();
  const r = prune({ model, layers: '0-23', ratio: 0.4, scope: 'global', roundTo: 4 });
  r.model!.dispose();
  prune({ model, layers: '0-9', ratio: 0.4, dryRun: true });
  assert.equal(T.liveTensors(), live);
  model.dispose();
});
