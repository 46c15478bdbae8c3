import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatG, ResultsCsv, BASE_COLUMNS } from '../../src/train/results.js';

test('formatG matches Python\'s %.5g', () => {
  const cases: [number, string][] = [
    [0.1182, '0.1182'], [0.022705, '0.022705'], [0.0090149, '0.0090149'], [0.0014, '0.0014'], [29, '29'],
    [0.00076, '0.00076'], [1.23456789e-5, '1.2346e-05'], [123456, '1.2346e+05'], [0, '0'], [0.1, '0.1'], [12345.6, '12346'],
    [-0.5, '-0.5'], [1, '1'], [0.00010000, '0.0001'],
  ];
  for (const [v, s] of cases) assert.equal(formatG(v), s, String(v));
});

test('results.csv has YOLOv5\'s header and row format, and truncates for resume', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'yt-res-')), 'results.csv');
  const csv = new ResultsCsv(file, BASE_COLUMNS);
  const vals = [0.1182, 0.022705, 0.048305, 0.066098, 0.26468, 0.043577, 0.0090149, 0.11562, 0.013772, 0.036606, 0.0874, 0.0014, 0.0014];
  csv.append(0, vals);
  csv.append(1, vals);
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines[0], '               epoch,      train/box_loss,      train/obj_loss,      train/cls_loss,   metrics/precision,      metrics/recall,     metrics/mAP_0.5,metrics/mAP_0.5:0.95,        val/box_loss,        val/obj_loss,        val/cls_loss,               x/lr0,               x/lr1,               x/lr2');
  assert.equal(lines[1], '                   0,              0.1182,            0.022705,            0.048305,            0.066098,             0.26468,            0.043577,           0.0090149,             0.11562,            0.013772,            0.036606,              0.0874,              0.0014,              0.0014');
  csv.truncateTo(1);
  assert.equal(ResultsCsv.read(file).rows.length, 1);
});
