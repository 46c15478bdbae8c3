// `yolotrim label` end to end on a temp folder (bus.jpg, fruit photos under dotted names and other
// extensions, a blank image, a corrupt file): the xml files read back through `dataset convert` give
// exactly `detect --save-txt`'s labels; the xml layout; the summary; previews in runs/label/exp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { convertDataset } from '../../src/data/convert.js';
import { parseVoc } from '../../src/data/formats/voc.js';
import { COCO_NAMES, FRUIT, SHARED } from '../helpers/fruit.js';

const root = path.resolve(import.meta.dirname, '../..');
const weights = path.join(SHARED, 'weights/yolov5n.pt');
const bus = path.join(SHARED, 'reference/yolov5n_coco_320/bus.jpg');

function yolotrim(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/yolotrim.js'), ...args], { encoding: 'utf8', cwd });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** images/: 6 readable images (one blank) with dotted ids and several extensions, and a corrupt file. */
async function makeFolder(): Promise<string> {
  const work = mkdtempSync(path.join(tmpdir(), 'yt-label-'));
  const images = path.join(work, 'images');
  mkdirSync(images);
  copyFileSync(bus, path.join(images, 'bus.jpg'));
  copyFileSync(path.join(FRUIT, 'images/mixed_1.jpg'), path.join(images, 'mixed.batch.1.JPEG'));
  copyFileSync(path.join(FRUIT, 'images/banana_1.jpg'), path.join(images, 'banana_1.jpg'));
  await sharp(path.join(FRUIT, 'images/orange_1.jpg')).png().toFile(path.join(images, 'orange.v2.png'));
  await sharp(path.join(FRUIT, 'images/apple_1.jpg')).webp().toFile(path.join(images, 'apple_1.webp'));
  await sharp({ create: { width: 200, height: 150, channels: 3, background: '#808080' } }).png().toFile(path.join(images, 'blank.png'));
  writeFileSync(path.join(images, 'corrupt.jpg'), Buffer.from('\xff\xd8\xff\xe0 not an image'));
  return work;
}

test('label: one VOC xml per image, read back by dataset convert equal to detect --save-txt', async () => {
  const work = await makeFolder();
  const r = yolotrim(work, 'label', '--weights', weights, '--source', 'images', '--img', '320');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Labelled 6 of 7 images: xml in Annotations$/m);
  assert.match(r.out, /^Objects: .*3 person, 1 bus.*\((\d+) in all\)$/m);
  assert.match(r.out, /^Empty images \(xml with no object\): 1$/m);
  assert.match(r.out, /^Skipped 1 file:\n {2}images\/corrupt\.jpg: cannot read the image/m);
  assert.match(r.out, /^Previews saved to runs\/label\/exp$/m);
  const ids = ['apple_1', 'banana_1', 'blank', 'bus', 'mixed.batch.1', 'orange.v2'];
  assert.deepEqual(readdirSync(path.join(work, 'Annotations')).sort(), ids.map((id) => `${id}.xml`));
  assert.deepEqual(readdirSync(path.join(work, 'runs/label/exp')).sort(), ['apple_1.webp', 'banana_1.jpg', 'blank.png', 'bus.jpg', 'mixed.batch.1.JPEG', 'orange.v2.png']);

  // the xml layout
  const busXml = readFileSync(path.join(work, 'Annotations/bus.xml'), 'utf8');
  const { annotation, warnings } = parseVoc(busXml);
  assert.deepEqual(warnings, []);
  assert.deepEqual([annotation.folder, annotation.filename, annotation.size], ['images', 'bus.jpg', { width: 810, height: 1080, depth: 3 }]);
  assert.deepEqual(annotation.objects.map((o) => o.name), ['person', 'bus', 'person', 'person']);
  for (const o of annotation.objects) {
    assert.deepEqual([o.pose, o.truncated, o.difficult], ['Unspecified', false, false]);
    const b = o.bndbox;
    for (const v of [b.xmin, b.ymin, b.xmax, b.ymax]) assert.ok(Number.isInteger(v), `integer corner ${v}`);
    assert.ok(b.xmin >= 0 && b.ymin >= 0 && b.xmax <= 810 && b.ymax <= 1080 && b.xmin < b.xmax && b.ymin < b.ymax);
    assert.ok(b.conf! > 0.25 && b.conf! <= 1);
  }
  assert.match(busXml, /<bndbox>\n\t+<xmin>\d+<\/xmin>\n\t+<ymin>\d+<\/ymin>\n\t+<xmax>\d+<\/xmax>\n\t+<ymax>\d+<\/ymax>\n\t+<conf>0\.\d+<\/conf>\n\t+<\/bndbox>/);
  assert.equal(parseVoc(readFileSync(path.join(work, 'Annotations/mixed.batch.1.xml'), 'utf8')).annotation.filename, 'mixed.batch.1.JPEG');
  const blank = parseVoc(readFileSync(path.join(work, 'Annotations/blank.xml'), 'utf8')).annotation;
  assert.deepEqual([blank.objects, blank.size], [[], { width: 200, height: 150, depth: 3 }]);

  // the same model and images through detect --save-txt
  const d = yolotrim(work, 'detect', '--weights', weights, '--source', 'images', '--img', '320', '--save-txt', '--nosave');
  assert.equal(d.code, 0, d.err);
  const converted = await convertDataset(work, { classes: COCO_NAMES, decode: false });
  assert.equal(converted.counts.converted, 6);
  assert.equal(converted.counts.background, 1);
  for (const id of ids) {
    const fromXml = readFileSync(path.join(work, 'labels', `${id}.txt`), 'utf8');
    const detectFile = path.join(work, 'runs/detect/exp/labels', `${id}.txt`);
    const fromDetect = existsSync(detectFile) ? readFileSync(detectFile, 'utf8') : ''; // detect writes no file for no detection
    assert.equal(fromXml, fromDetect, `labels of ${id}`);
  }
});

test('label: a missing source is a one-line error; bad flags are usage errors', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'yt-label-'));
  const missing = yolotrim(work, 'label', '--weights', weights, '--source', 'nope');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^yolotrim: nope: no such file or folder$/m);
  assert.equal(yolotrim(work, 'label', '--weights', weights, '--source', bus, '--overwrite', '--merge').code, 2);
  assert.equal(yolotrim(work, 'label', '--weights', weights, '--source', bus, '--shard', '3/3').code, 2);
  assert.ok(!existsSync(path.join(work, 'Annotations')) && !existsSync(path.join(work, 'runs')), 'nothing written by a failed start');
});
