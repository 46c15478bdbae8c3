// The loader's data-parallel shards: two ranks with batch 2 see, between them, exactly the images of
// one process with batch 4, batch by batch and byte for byte (same augmentation), in shuffled and
// in rect mode; the epoch is padded by wrapping as DistributedSampler pads it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSplit, type LoadedDataset } from '../../src/data/dataset.js';
import { createLoader, type LoaderOptions } from '../../src/data/loader.js';
import { randomFixtureImages, writeYoloDataset } from '../helpers/yolo-fixture.js';
import { removeDir, tempDir } from '../data/helpers.js';

let root: string;
let ds: LoadedDataset;

before(async () => {
  root = tempDir('yolotrim-shard-');
  ds = await loadSplit(await writeYoloDataset(root, randomFixtureImages(11, 5), ['red', 'green', 'blue']), 'train');
});
after(() => removeDir(root));

interface Seen {
  /** per batch, per image: [dataset index, image bytes] */
  batches: [number, string][][];
  shapes: number[][];
}

async function epoch(o: Partial<LoaderOptions>): Promise<Seen> {
  const loader = await createLoader({ dataset: ds, imgSize: 96, batchSize: 4, workers: 0, seed: 3, ...o });
  const seen: Seen = { batches: [], shapes: [] };
  try {
    for await (const b of loader.epoch(1)) {
      const [n, ...chw] = b.images.shape;
      const plane = chw.reduce((a, c) => a * c, 1);
      const data = b.images.data() as Float32Array;
      seen.shapes.push(b.images.shape.slice(2));
      seen.batches.push(b.indices.map((idx, j) => [idx, Buffer.from(data.buffer, j * plane * 4, plane * 4).toString('base64')]));
      assert.equal(b.indices.length, n);
      b.images.dispose();
    }
  } finally {
    await loader.close();
  }
  return seen;
}

for (const mode of [{ name: 'shuffled, augmented', o: { shuffle: true, augment: true } }, { name: 'rect', o: { rect: true } }]) {
  test(`2 shards of batch 2 = 1 loader of batch 4 (${mode.name})`, async () => {
    const whole = await epoch({ ...mode.o, batchSize: 4 });
    const ranks = [await epoch({ ...mode.o, batchSize: 2, shard: { rank: 0, world: 2 } }), await epoch({ ...mode.o, batchSize: 2, shard: { rank: 1, world: 2 } })];
    assert.deepEqual(ranks.map((r) => r.batches.length), [3, 3], '11 images: 6 per rank (one repeated), 3 batches each');
    assert.equal(whole.batches.length, 3);
    // global position p = 2 q + r for rank r's local position q; position 11 repeats position 0
    const byPosition = whole.batches.flat();
    for (const [r, seen] of ranks.entries()) {
      seen.batches.flat().forEach(([idx, bytes], q) => {
        const p = 2 * q + r;
        assert.equal(idx, byPosition[p % 11]![0], `rank ${r} position ${p}: dataset index`);
        if (p < 11) assert.equal(bytes, byPosition[p]![1], `rank ${r} position ${p}: the same augmented image`);
      });
      seen.shapes.forEach((s, b) => assert.deepEqual(s, whole.shapes[b], `rank ${r} batch ${b}: the shape of the whole batch`));
    }
  });
}

test('a shard must name a rank below the world size', async () => {
  await assert.rejects(createLoader({ dataset: ds, imgSize: 96, batchSize: 2, workers: 0, shard: { rank: 2, world: 2 } }), /shard needs 0 <= rank < world/);
});
