// The val table's text (val.py's `%22s%11s...` / `%11.3g` formats) and metrics.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatG, formatValTable, valHeader, valRow, writeMetricsJson } from '../../src/eval/report.js';
import type { DetectionMetrics } from '../../src/eval/metrics.js';

test('formatG matches Python "%.3g" (ties on the exact binary value go to even)', () => {
  const xs = [0.5625, 0.03125, 0.782001, 0.999, 0.9996, 999.6, 1234.5, 0.00045678, 0.0000123, 1, 0, 117, 0.125, 0.4427670309, 12.5, 1e-8, 3.3e25, -0.5625, 100, 99.95, 0.3385];
  // Python 3: ['%.3g' % x for x in xs]
  const python = ['0.562', '0.0312', '0.782', '0.999', '1', '1e+03', '1.23e+03', '0.000457', '1.23e-05', '1', '0', '117', '0.125', '0.443', '12.5', '1e-08', '3.3e+25', '-0.562', '100', '100', '0.339'];
  assert.deepEqual(xs.map((x) => formatG(x, 3)), python);
  assert.equal(formatG(Number.NaN), 'nan');
});

test('val table header and rows have val.py column widths', () => {
  assert.equal(valHeader(), '                 Class     Images  Instances          P          R      mAP50   mAP50-95');
  assert.equal(valRow('all', 60, 117, 0.7820014, 0.6866327, 0.7154884, 0.442767), '                   all         60        117      0.782      0.687      0.715      0.443');
});

function sample(): DetectionMetrics {
  const cls = (c: number, instances: number, v: number) => ({ cls: c, instances, precision: v, recall: v, f1: v, map50: v, map: v / 2, apPerIou: [], tp: 0, fp: 0 });
  const instancesPerClass = [3, 0, 2];
  return {
    precision: 0.5, recall: 0.25, map50: 0.4, map: 0.2, fitness: 0.22, images: 4, instancesPerClass,
    perClass: [cls(0, 3, 0.6), cls(2, 2, 0.2)], confidence: 0.3, curves: null,
  };
}

test('val table: all, then one row per class present', () => {
  const lines = formatValTable(sample(), { names: ['cat', 'dog', 'emu'] }).split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[1], '                   all          4          5        0.5       0.25        0.4        0.2');
  assert.equal(lines[3], '                   emu          4          2        0.2        0.2        0.2        0.1');
  assert.equal(formatValTable(sample(), { names: ['cat', 'dog', 'emu'], perClass: false }).split('\n').length, 2);
});

test('metrics.json holds the overall numbers and each class by name', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yolotrim-report-'));
  try {
    const file = await writeMetricsJson(path.join(dir, 'exp'), sample(), ['cat', 'dog', 'emu']);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(json, {
      precision: 0.5, recall: 0.25, map50: 0.4, map: 0.2, fitness: 0.22,
      per_class: {
        cat: { precision: 0.6, recall: 0.6, map50: 0.6, map: 0.3, instances: 3 },
        emu: { precision: 0.2, recall: 0.2, map50: 0.2, map: 0.1, instances: 2 },
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
