// The loader end to end on a small synthetic dataset: batch layout, labels that follow the pixels,
// determinism (same seed → same bytes, whatever the number of workers), rect batches, caches.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { loadSplit, type LoadedDataset } from '../../src/data/dataset.js';
import { createLoader, type LoaderBatch, type LoaderOptions } from '../../src/data/loader.js';
import { rectBatches } from '../../src/data/rect.js';
import { threadBudget } from '../../src/data/threads.js';
import { CLASS_COLOURS, findColourRegion, iou, randomFixtureImages, writeYoloDataset } from '../helpers/yolo-fixture.js';
import { removeDir, tempDir } from './helpers.js';

const NAMES = ['red', 'green', 'blue'];
let root: string;
let ds: LoadedDataset;

before(async () => {
  root = tempDir('yolotrim-loader-');
  const yaml = await writeYoloDataset(root, randomFixtureImages(11, 5), NAMES);
  ds = await loadSplit(yaml, 'train');
});
after(() => removeDir(root));

const NO_COLOUR = { hsv_h: 0, hsv_s: 0, hsv_v: 0 };

async function collect(o: Partial<LoaderOptions>, epoch = 0): Promise<{ bytes: Buffer[]; targets: Float32Array[]; batches: Omit<LoaderBatch, 'images'>[]; shapes: number[][] }> {
  const loader = await createLoader({ dataset: ds, imgSize: 160, batchSize: 4, workers: 0, ...o });
  const out = { bytes: [] as Buffer[], targets: [] as Float32Array[], batches: [] as Omit<LoaderBatch, 'images'>[], shapes: [] as number[][] };
  try {
    for await (const b of loader.epoch(epoch)) {
      out.shapes.push(b.images.shape);
      out.bytes.push(Buffer.from((b.images.data() as Float32Array).buffer));
      out.targets.push(b.targets.rows);
      const { images, ...rest } = b;
      out.batches.push(rest);
      images.dispose();
    }
  } finally {
    await loader.close();
  }
  return out;
}

/** IoU of each target with its colour's pixels near it, in [bs, 3, H, W] float images. */
function targetIous(images: Float32Array, shape: number[], rows: Float32Array): number[] {
  const [, , H, W] = shape as [number, number, number, number];
  const ious: number[] = [];
  for (let r = 0; r < rows.length; r += 6) {
    const j = rows[r]!;
    const rgb = new Uint8Array(H * W * 3);
    for (let k = 0; k < H * W; k++) for (let c = 0; c < 3; c++) rgb[k * 3 + c] = Math.round(images[((j * 3 + c) * H * W) + k]! * 255);
    const [cx, cy, w, h] = [rows[r + 2]! * W, rows[r + 3]! * H, rows[r + 4]! * W, rows[r + 5]! * H];
    const box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
    if (box[2]! - box[0]! < 16 || box[3]! - box[1]! < 16) continue; // smaller: a pixel of rounding or JPEG edge costs 10% IoU
    const region = [box[0]! - 4, box[1]! - 4, box[2]! + 4, box[3]! + 4];
    const found = findColourRegion({ data: rgb, width: W, height: H }, CLASS_COLOURS[rows[r + 1]!]!, cx, cy, region);
    ious.push(found ? iou(found, box) : 0);
  }
  return ious;
}

test('dataset: every fixture image kept with its labels and size', () => {
  assert.equal(ds.images.length, 11);
  assert.equal(ds.counts.skipped, 0);
  assert.ok(ds.labels.every((l) => l.length > 0 && l.length % 5 === 0));
  assert.ok(ds.shapes.every(([h, w]) => h >= 80 && w >= 80));
});

test('augmented epoch: batches [bs, 3, S, S] in 0..1, targets [img, cls, cx, cy, w, h], last batch partial', async () => {
  const r = await collect({ augment: true, seed: 1, hyp: NO_COLOUR });
  assert.deepEqual(r.shapes, [[4, 3, 160, 160], [4, 3, 160, 160], [3, 3, 160, 160]]);
  r.batches.forEach((b, k) => {
    const bs = r.shapes[k]![0]!;
    assert.equal(b.paths.length, bs);
    assert.equal(b.targets.rows.length, b.targets.count * 6);
    for (let i = 0; i < b.targets.rows.length; i += 6) {
      const [img, cls, cx, cy, w, h] = Array.from(b.targets.rows.subarray(i, i + 6));
      assert.ok(Number.isInteger(img) && img! < bs && Number.isInteger(cls) && cls! < 3);
      for (const v of [cx, cy, w, h]) assert.ok(v! >= 0 && v! <= 1);
    }
  });
  const all = new Float32Array(Buffer.concat(r.bytes).buffer.slice(0));
  assert.ok(all.every((v) => v >= 0 && v <= 1));
  const ious = r.bytes.flatMap((b, k) => targetIous(new Float32Array(b.buffer, b.byteOffset, b.length / 4), r.shapes[k]!, r.targets[k]!));
  assert.ok(ious.length >= 8, `only ${ious.length} targets checked`);
  assert.ok(Math.min(...ious) >= 0.9, `worst IoU ${Math.min(...ious).toFixed(3)}`);
});

test('determinism: same seed → same bytes; workers 0 and 2 agree; seed and epoch change the batch', async () => {
  const o = { augment: true, seed: 7, hyp: { degrees: 5, mixup: 0.5 } };
  const a = await collect(o);
  const b = await collect(o);
  const c = await collect({ ...o, workers: 2 });
  const joined = (r: typeof a) => Buffer.concat([...r.bytes, ...r.targets.map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength))]);
  assert.ok(joined(a).equals(joined(b)), 'two runs with one seed');
  assert.ok(joined(a).equals(joined(c)), 'inline and 2 worker threads');
  assert.ok(!joined(a).equals(joined(await collect({ ...o, seed: 8 }))), 'another seed');
  assert.ok(!joined(a).equals(joined(await collect(o, 1))), 'another epoch');
});

test('shuffle: a new order each epoch, the same for the same seed', async () => {
  const order = async (e: number, seed = 3) => (await collect({ shuffle: true, seed }, e)).batches.flatMap((b) => b.indices);
  const e0 = await order(0), e1 = await order(1);
  assert.deepEqual([...e0].sort((x, y) => x - y), ds.images.map((_, i) => i));
  assert.notDeepEqual(e0, e1);
  assert.deepEqual(e0, await order(0));
});

test('rect validation batches: sorted by aspect ratio, YOLOv5 batch shapes, labels on the pixels', async () => {
  const r = await collect({ rect: true, augment: false });
  const plan = rectBatches(ds.shapes, 4, 160, 32, 0.5);
  r.shapes.forEach((s, k) => assert.deepEqual(s.slice(2), plan.batchShapes[k]));
  assert.deepEqual(r.batches.flatMap((b) => b.indices), plan.order);
  // by hand for one batch: ceil(shape * img / stride + pad) * stride
  const ars = plan.order.slice(0, 4).map((i) => ds.shapes[i]![0] / ds.shapes[i]![1]);
  const rel = Math.max(...ars) < 1 ? [Math.max(...ars), 1] : Math.min(...ars) > 1 ? [1, 1 / Math.min(...ars)] : [1, 1];
  assert.deepEqual(plan.batchShapes[0], rel.map((v) => Math.ceil((v * 160) / 32 + 0.5) * 32));
  for (const b of r.batches) {
    b.shapes.forEach((s, j) => {
      assert.ok(s, 'letterboxed images have shapes');
      assert.deepEqual(s.original, ds.shapes[b.indices[j]!]);
      assert.ok(Math.abs(s.ratio[0] - 160 / Math.max(...s.original)) < 0.02);
    });
  }
  const ious = r.bytes.flatMap((b, k) => targetIous(new Float32Array(b.buffer, b.byteOffset, b.length / 4), r.shapes[k]!, r.targets[k]!));
  assert.ok(ious.length >= 8 && Math.min(...ious) >= 0.9, `worst IoU ${Math.min(...ious).toFixed(3)} of ${ious.length}`);
});

test('cache ram and disk give the bytes of decoding each time', async () => {
  const o = { augment: true, seed: 11 };
  const plain = Buffer.concat((await collect(o)).bytes);
  assert.ok(Buffer.concat((await collect({ ...o, cache: 'ram' })).bytes).equals(plain), 'ram');
  const cacheDir = path.join(root, 'cache');
  assert.ok(Buffer.concat((await collect({ ...o, cache: 'disk', cacheDir })).bytes).equals(plain), 'disk, written');
  assert.ok(Buffer.concat((await collect({ ...o, cache: 'disk', cacheDir, workers: 1 })).bytes).equals(plain), 'disk, read back in a worker');
});

test('interpolation: augment shrinks as INTER_LINEAR, validation anti-aliased; a disk cache keeps both apart', async () => {
  const o = { imgSize: 96, seed: 3 };
  const area = Buffer.concat((await collect(o)).bytes);
  const linear = Buffer.concat((await collect({ ...o, interpolation: 'linear' })).bytes);
  assert.ok(!area.equals(linear), 'the two shrinks give other pixels');
  const cacheDir = path.join(root, 'cache-interp');
  assert.ok(Buffer.concat((await collect({ ...o, interpolation: 'linear', cache: 'disk', cacheDir })).bytes).equals(linear), 'linear through the disk cache');
  assert.ok(Buffer.concat((await collect({ ...o, cache: 'disk', cacheDir })).bytes).equals(area), 'area is not served the linear files');
  const augmented = { ...o, augment: true, hyp: NO_COLOUR };
  assert.ok(Buffer.concat((await collect(augmented)).bytes).equals(Buffer.concat((await collect({ ...augmented, interpolation: 'linear' })).bytes)), 'augment defaults to linear');
});

test('an epoch left early stops its work; the next epoch runs; no tensor leaks', async () => {
  const live = T.liveTensors();
  const loader = await createLoader({ dataset: ds, imgSize: 64, batchSize: 2, augment: true, workers: 1 });
  try {
    for await (const b of loader.epoch(0)) {
      b.images.dispose();
      break;
    }
    let n = 0;
    for await (const b of loader.epoch(1)) {
      n++;
      b.images.dispose();
    }
    assert.equal(n, loader.length);
    assert.equal(loader.length, 6);
  } finally {
    await loader.close();
  }
  assert.equal(T.liveTensors(), live);
});

test('starting an epoch stops the unfinished one, which then fails with a reason', async () => {
  const loader = await createLoader({ dataset: ds, imgSize: 64, batchSize: 2, workers: 0 });
  try {
    const first = loader.epoch(0);
    (await first.next()).value!.images.dispose();
    const second = loader.epoch(1);
    (await second.next()).value!.images.dispose();
    await assert.rejects(first.next(), /epoch stopped: epoch\(1\) was started/);
    await second.return(undefined);
  } finally {
    await loader.close();
  }
});

test('thread budget: 2 cores → 1 worker + 2 libtorch threads; 1 core → inline; --workers overrides', () => {
  assert.deepEqual(threadBudget(2), { workers: 1, torchThreads: 2, sharpConcurrency: 1 });
  assert.deepEqual(threadBudget(2, 0), { workers: 0, torchThreads: 2, sharpConcurrency: 1 });
  assert.deepEqual(threadBudget(16, 8), { workers: 8, torchThreads: 8, sharpConcurrency: 1 });
  assert.deepEqual(threadBudget(1), { workers: 0, torchThreads: 1, sharpConcurrency: 1 });
  assert.deepEqual(threadBudget(16), { workers: 4, torchThreads: 12, sharpConcurrency: 1 });
});

test('options are checked', async () => {
  await assert.rejects(createLoader({ dataset: ds, imgSize: 0, batchSize: 2 }), /imgSize/);
  await assert.rejects(createLoader({ dataset: { ...ds, images: [] }, imgSize: 64, batchSize: 2 }), /no images/);
});
