// bench:train: YOLOv5's reference training run reproduced — the fruit set (its test-split.txt as val,
// the other 240 images as train), from ../shared/weights/yolov5n.pt, --img 320 --batch-size 16
// --epochs 30 (BENCH_EPOCHS to shorten, BENCH_SEED for another --seed) — and compared with the real YOLOv5's final mAP (0.929 /
// 0.647, ../shared/reference/fruit_train_yolov5n). Prints seconds per epoch and peak RSS per epoch.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { train, TRAIN_DEFAULTS } from '../../src/train/train.js';
import { fruitDataset, SHARED } from '../../test/helpers/fruit.js';

const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 30);
const SEED = Number(process.env.BENCH_SEED ?? 0);
const REFERENCE = { map50: 0.929, map: 0.647, hoursFor30: 0.156 };

const data = await fruitDataset();
const project = mkdtempSync(path.join(tmpdir(), 'yt-bench-train-'));
const epochTimes: number[] = [];
let t0 = performance.now();
const t00 = t0;
const result = await train({
  ...TRAIN_DEFAULTS, data, weights: path.join(SHARED, 'weights/yolov5n.pt'), imgSize: 320, batchSize: 16, epochs: EPOCHS, seed: SEED, project, name: 'exp',
  log: (s) => {
    if (s.startsWith('epoch ') && s.includes(' done')) {
      const now = performance.now();
      epochTimes.push((now - t0) / 1000);
      t0 = now;
    }
    console.log(s);
  },
});
const total = (performance.now() - t00) / 1000;
const m = result.metrics!;
const median = [...epochTimes].sort((a, b) => a - b)[Math.floor(epochTimes.length / 2)]!;
console.log(`\nbench:train  ${EPOCHS} epochs in ${total.toFixed(0)} s: median ${median.toFixed(1)} s/epoch (YOLOv5 reference: ${(REFERENCE.hoursFor30 * 3600 / 30).toFixed(1)} s/epoch on a loaded 2-core machine)`);
console.log(`final mAP@0.5 ${m.map50.toFixed(3)} (YOLOv5 ${REFERENCE.map50}), mAP@0.5:0.95 ${m.map.toFixed(3)} (YOLOv5 ${REFERENCE.map}); run: ${result.runDir}`);
console.log(`map50_diff=${(m.map50 - REFERENCE.map50).toFixed(3)}`);
