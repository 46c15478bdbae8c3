// End-to-end training on a tiny synthetic dataset: runs, writes YOLOv5's outputs, resumes exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSyntheticDataset } from '../../src/demo/synthetic.js';
import { convertDataset } from '../../src/data/convert.js';
import { train, TRAIN_DEFAULTS, type TrainOptions } from '../../src/train/train.js';
import { InterruptedError } from '../../src/train/loop.js';
import { ResultsCsv } from '../../src/train/results.js';
import { loadCheckpoint } from '../../src/model/checkpoint.js';
import { liveTensors } from '../../src/torch/index.js';
import { bnGammas, histogram, shareBelow } from '../../src/train/bn-gamma.js';

async function tinyData(): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), 'yt-syn-'));
  await makeSyntheticDataset({ root, images: 24, size: 128, seed: 3 });
  return (await convertDataset(root, { trainval: 0.9, train: 0.75, decode: false })).dataYaml;
}

function options(data: string, project: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return { ...TRAIN_DEFAULTS, data, cfg: 'yolov5n.yaml', epochs: 3, batchSize: 8, imgSize: 128, project, name: 'exp', workers: 0, noplots: true, log: () => {}, ...extra };
}

test('train from scratch writes results.csv, best and last; an interrupted run resumes to the same end', async () => {
  const data = await tinyData();
  const project = mkdtempSync(path.join(tmpdir(), 'yt-train-'));
  const before = liveTensors();
  const full = await train(options(data, project, { name: 'full' }));
  assert.equal(full.epochs, 3);
  assert.ok(existsSync(full.best) && existsSync(full.last));
  assert.ok(!existsSync(path.join(full.runDir, 'labels.jpg')), 'no plots with noplots');
  const fullCsv = ResultsCsv.read(path.join(full.runDir, 'results.csv'));
  assert.equal(fullCsv.rows.length, 3);
  assert.equal(liveTensors(), before, 'no tensors leak across a whole run');

  // interrupt after the first epoch is saved, then resume from last
  const ac = new AbortController();
  let epochsSaved = 0;
  await assert.rejects(train(options(data, project, {
    name: 'cut', signal: ac.signal,
    log: (s) => { if (s.startsWith('epoch ') && s.includes(' done')) { epochsSaved++; ac.abort(); } },
  })), InterruptedError);
  assert.equal(epochsSaved, 1);
  const cutDir = path.join(project, 'cut');
  const resumed = await train({ ...options(data, project), resume: path.join(cutDir, 'weights', 'last.safetensors') });
  assert.equal(resumed.runDir, cutDir);
  assert.equal(resumed.epochs, 3);
  const csv = ResultsCsv.read(path.join(cutDir, 'results.csv'));
  assert.deepEqual(csv.rows.map((r) => r[0]), [0, 1, 2]);
  const lr = csv.columns.indexOf('x/lr1');
  assert.deepEqual(csv.rows.map((r) => r[lr]), fullCsv.rows.map((r) => r[lr]), 'the LR curve continues as in the uninterrupted run');
  const best = loadCheckpoint(resumed.best);
  assert.equal(best.model.nc, 3);
  best.model.dispose();
});

test('--sparsity: BN scales shrink faster than without, the share near zero is logged, bn_gamma.png is drawn', async () => {
  const data = await tinyData();
  const project = mkdtempSync(path.join(tmpdir(), 'yt-sparsity-'));
  const lines: string[] = [];
  const meanGamma = (file: string) => {
    const { model } = loadCheckpoint(file);
    const g = bnGammas(model);
    model.dispose();
    return g.reduce((a, b) => a + b, 0) / g.length;
  };
  const plain = await train(options(data, project, { name: 'plain', epochs: 2, noplots: false }));
  const sparse = await train(options(data, project, { name: 'sparse', epochs: 2, sparsity: 1e-2, noplots: false, log: (s) => lines.push(s) }));
  assert.ok(meanGamma(sparse.last) < meanGamma(plain.last), 'the L1 pull lowers |gamma|');
  assert.equal(lines.filter((l) => /^sparsity: \d+\.\d% of BN channels have \|gamma\| < 0\.01$/.test(l)).length, 2);
  assert.ok(existsSync(path.join(sparse.runDir, 'bn_gamma.png')));
  assert.ok(!existsSync(path.join(plain.runDir, 'bn_gamma.png')));
  for (const f of ['labels.jpg', 'results.png', 'train_batch0.jpg']) assert.ok(existsSync(path.join(plain.runDir, f)), `${f} with plots on`);
});

test('BN gamma statistics: histogram bins and the share below a threshold', () => {
  const g = Float32Array.from([0, 0.005, 0.2, 0.5, 1]);
  assert.equal(shareBelow(g, 0.01), 0.4);
  assert.deepEqual(histogram(g, 4, 1).counts, [3, 0, 1, 1]);
  assert.deepEqual(histogram(g, 4, 1).centres, [0.125, 0.375, 0.625, 0.875]);
});
