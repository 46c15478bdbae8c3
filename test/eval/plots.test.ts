// The plots render to PNG files of the expected size with drawn content (lines and text), from
// the real val.py predictions on the fruit test split. Set YOLOTRIM_PLOTS_DIR to keep the images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ConfusionMatrix, MetricsAccumulator } from '../../src/eval/metrics.js';
import { plotConfusionMatrix, plotSmallMultiples, plotValCurves, type Panel } from '../../src/eval/plots.js';
import { gaussianSmooth } from '../../src/eval/numeric.js';
import { niceTicks } from '../../src/eval/svg.js';
import { readVocGroundTruth } from '../helpers/voc-gt.js';

const shared = path.resolve(import.meta.dirname, '../../../shared');
const fruit = path.join(shared, 'datasets/fruit');
const NAMES = Array.from({ length: 80 }, (_, i) => `class${i}`);
NAMES[46] = 'banana';
NAMES[47] = 'apple';
NAMES[49] = 'orange';

const keep = process.env.YOLOTRIM_PLOTS_DIR;
const dir = keep ?? mkdtempSync(path.join(os.tmpdir(), 'yolotrim-plots-'));
if (!keep) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function fruitMetrics() {
  const ids = readFileSync(path.join(fruit, 'test-split.txt'), 'utf8').split(/\s+/).filter(Boolean);
  const cm = new ConfusionMatrix(80);
  const acc = new MetricsAccumulator({ nc: 80, confusion: cm });
  for (const id of ids) {
    const gt = await readVocGroundTruth(path.join(fruit, 'Annotations', `${id}.xml`), path.join(fruit, 'images', `${id}.jpg`), { banana: 46, apple: 47, orange: 49 }, id);
    const text = readFileSync(path.join(shared, 'reference/fruit_val_yolov5n/predictions_320', `${id}.txt`), 'utf8').trim();
    const rows = text === '' ? [] : text.split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    const boxes = rows.flatMap(([, cx, cy, w, h]) => [(cx! - w! / 2) * gt.width, (cy! - h! / 2) * gt.height, (cx! + w! / 2) * gt.width, (cy! + h! / 2) * gt.height]);
    acc.add({ boxes, cls: rows.map((r) => r[0]!), conf: rows.map((r) => r[5]!) }, { boxes: gt.boxes, cls: gt.cls });
  }
  return { m: acc.compute(), cm };
}

/** Size and how many pixels are not near-white (something was drawn). */
async function inspect(file: string) {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let ink = 0;
  for (let i = 0; i < data.length; i += 3) if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) ink++;
  return { width: info.width, height: info.height, ink: ink / (info.width * info.height) };
}

test('PR, F1, P and R curves render as 1800 x 1200 PNGs with content', async () => {
  const { m } = await fruitMetrics();
  assert.ok(m.curves);
  const files = await plotValCurves(m.curves, NAMES, dir);
  assert.deepEqual(files.map((f) => path.basename(f)), ['PR_curve.png', 'F1_curve.png', 'P_curve.png', 'R_curve.png']);
  for (const f of files) {
    const s = await inspect(f);
    assert.deepEqual([s.width, s.height], [1800, 1200]);
    assert.ok(s.ink > 0.01 && s.ink < 0.5, `${f}: ${s.ink}`);
  }
});

test('confusion matrix renders the classes that occur plus background', async () => {
  const { cm } = await fruitMetrics();
  const file = await plotConfusionMatrix(cm, NAMES, path.join(dir, 'confusion_matrix.png'));
  const s = await inspect(file);
  assert.ok(s.width > 600 && s.height > 600, `${s.width} x ${s.height}`);
  assert.ok(s.ink > 0.02, `ink ${s.ink}`);
  const small = new ConfusionMatrix(2);
  small.processMissed([0, 1]);
  await plotConfusionMatrix(small, ['a', 'b'], path.join(dir, 'confusion_small.png'), { normalize: false });
});

test('small multiples: one panel per series, smoothed copies, labelled series', async () => {
  const epochs = 30;
  const curve = (a: number, b: number) => Array.from({ length: epochs }, (_, e) => a + b * Math.exp(-e / 8) + 0.01 * Math.sin(e));
  const titles = ['train/box_loss', 'train/obj_loss', 'train/cls_loss', 'metrics/precision', 'metrics/recall', 'val/box_loss', 'val/obj_loss', 'val/cls_loss', 'metrics/mAP_0.5', 'metrics/mAP_0.5:0.95'];
  const panels: Panel[] = titles.map((title, i) => ({ title, series: [{ y: curve(0.02 * i, i < 3 || i > 4 ? 0.05 : -0.3) }] }));
  panels[0]!.series.push({ y: curve(0.03, 0.04), label: 'pruned' });
  panels[0]!.series[0]!.label = 'baseline';
  const file = await plotSmallMultiples(panels, path.join(dir, 'results.png'), { smooth: true, xLabel: 'epoch' });
  const s = await inspect(file);
  assert.deepEqual([s.width, s.height], [3000, 960]);
  assert.ok(s.ink > 0.01, `ink ${s.ink}`);
  await assert.rejects(plotSmallMultiples([], path.join(dir, 'none.png')));
});

test('helpers: gaussian smoothing keeps constants and means; ticks are round', () => {
  assert.ok([...gaussianSmooth([2, 2, 2, 2, 2])].every((v) => Math.abs(v - 2) < 1e-12));
  const y = Array.from({ length: 40 }, (_, i) => (i % 2 ? 1 : 0));
  const g = gaussianSmooth(y, 3);
  assert.ok(Math.abs(g[20]! - 0.5) < 0.01);
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
});
