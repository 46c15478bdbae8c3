// distill --kd feature: the adapters trained with the student are saved in `last` and restored by --resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSyntheticDataset } from '../../src/demo/synthetic.js';
import { convertDataset } from '../../src/data/convert.js';
import { train, TRAIN_DEFAULTS, type TrainOptions } from '../../src/train/train.js';
import { distill } from '../../src/distill/distill.js';
import { runPrune } from '../../src/prune/run.js';
import { loadResumeState } from '../../src/train/state.js';
import { InterruptedError } from '../../src/train/loop.js';

test('feature-KD adapters are saved with last and put back by --resume', async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'yt-distill-resume-'));
  const root = path.join(work, 'data');
  await makeSyntheticDataset({ root, images: 16, size: 96, seed: 7 });
  const data = (await convertDataset(root, { trainval: 0.9, train: 0.75, decode: false })).dataYaml;
  const base: TrainOptions = { ...TRAIN_DEFAULTS, data, epochs: 1, batchSize: 8, imgSize: 64, workers: 0, noplots: true, noautoanchor: true, project: work, log: () => {} };
  const teacher = (await train({ ...base, cfg: 'yolov5n.yaml', name: 'teacher' })).best;
  const pruned = await runPrune({ source: { weights: teacher }, prune: { layers: '0-23', ratio: 0.5, method: 'l1', scope: 'local' }, project: work, name: 'prune' }, () => {});
  pruned.result.model?.dispose();
  const student = path.join(pruned.dir!, 'pruned.safetensors');

  const ac = new AbortController();
  const kd = { teacher, student, kd: 'feature' as const, kdWeight: 10, kdTemperature: 1, kdFeatureWeight: 1 };
  await assert.rejects(distill({ ...base, ...kd, epochs: 3, name: 'kd', signal: ac.signal, log: (s) => { if (/^epoch 1\/3 done/.test(s)) ac.abort(); } }), InterruptedError);
  const last = path.join(work, 'kd', 'weights', 'last.safetensors');
  const saved = loadResumeState(last);
  const adapters = [...saved.extraWeights.keys()].filter((k) => k.startsWith('adapter.'));
  assert.ok(adapters.length > 0, `adapters in ${last}: ${[...saved.extraWeights.keys()].join(', ')}`);
  saved.emaModel.dispose();
  for (const t of [...saved.rawWeights.values(), ...saved.extraWeights.values(), ...saved.optimizer.tensors.values()]) t.dispose();

  const lines: string[] = [];
  const r = await distill({ ...base, ...kd, resume: last, log: (s) => lines.push(s) });
  assert.equal(r.epochs, 3);
  assert.ok(lines.some((l) => /^Resuming training from /.test(l)), 'the log reaches the caller');
  const warnings = lines.filter((l) => /holds no distillation adapters/.test(l));
  assert.deepEqual(warnings, [], 'the adapters were found in the checkpoint');
});
