// autolabel() as a library: existing files are skipped unless --overwrite; --merge keeps every object
// a file has (people's and earlier detections) and adds only new ones; a malformed file is not
// merged; class names and ids; shards; two images with one id; the option parsing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatVoc, parseVoc, type VocObject } from '../../src/data/formats/voc.js';
import { autolabel, duplicateIds, mergeObjects, resolveClasses, shardFiles, type AutolabelOptions } from '../../src/infer/autolabel.js';
import { labelOptionsFrom, parseShard, type RawLabelOptions } from '../../src/cli/commands/label.js';
import { loadCheckpoint } from '../../src/model/checkpoint.js';
import { SHARED } from '../helpers/fruit.js';

const weights = path.join(SHARED, 'weights/yolov5n.pt');
const bus = path.join(SHARED, 'reference/yolov5n_coco_320/bus.jpg');

function busFolder(): { work: string; opts: AutolabelOptions; xml: string } {
  const work = mkdtempSync(path.join(tmpdir(), 'yt-merge-'));
  mkdirSync(path.join(work, 'images'));
  copyFileSync(bus, path.join(work, 'images/bus.jpg'));
  const out = path.join(work, 'Annotations');
  return { work, opts: { model: shared.model, source: path.join(work, 'images'), out, img: 320, nosave: true }, xml: path.join(out, 'bus.xml') };
}

// one loaded model for every run here (test/label/label.test.ts loads --weights through the CLI)
const shared = loadCheckpoint(weights);
after(() => shared.model.dispose());

const read = (file: string) => parseVoc(readFileSync(file, 'utf8')).annotation;

test('existing xml: skipped by default, replaced with --overwrite, added to with --merge', async () => {
  const { opts, xml } = busFolder();
  const first = await autolabel(opts);
  assert.deepEqual([first.written, first.skipped.length], [1, 0]);
  const auto = readFileSync(xml, 'utf8');
  const detected = read(xml).objects;
  assert.equal(detected.length, 4);

  // a person corrects the first box (moved a little, confirmed: no conf), deletes the last, adds a dog
  const corrected: VocObject = { ...detected[0]!, bndbox: { xmin: detected[0]!.bndbox.xmin + 6, ymin: detected[0]!.bndbox.ymin, xmax: detected[0]!.bndbox.xmax, ymax: detected[0]!.bndbox.ymax - 10 } };
  const dog: VocObject = { name: 'dog', pose: 'Left', truncated: true, difficult: true, bndbox: { xmin: 1, ymin: 900, xmax: 120, ymax: 1070 } };
  const human = [corrected, detected[1]!, detected[2]!, dog];
  const edited = formatVoc({ ...read(xml), objects: human });
  writeFileSync(xml, edited);

  const again = await autolabel(opts);
  assert.equal(again.written, 0);
  assert.match(again.skipped[0]!.reason, /Annotations\/bus\.xml exists \(use --overwrite to replace it or --merge to add to it\)$/);
  assert.equal(readFileSync(xml, 'utf8'), edited, 'untouched without --overwrite or --merge');

  const merged = await autolabel({ ...opts, merge: true });
  assert.deepEqual([merged.written, merged.merged, merged.objects], [1, 1, { person: 1 }]);
  const after = read(xml).objects;
  assert.deepEqual(after.slice(0, 4), human, 'every object the file had is kept as it was');
  assert.deepEqual(after[4], detected[3], 'only the detection no kept box repeats is added');

  const twice = await autolabel({ ...opts, merge: true });
  assert.deepEqual([twice.written, twice.unchanged], [0, 1]);

  const over = await autolabel({ ...opts, overwrite: true });
  assert.deepEqual([over.written, over.overwritten], [1, 1]);
  assert.equal(readFileSync(xml, 'utf8'), auto, '--overwrite writes the detections alone again');

  await assert.rejects(autolabel({ ...opts, overwrite: true, merge: true }), /--overwrite or --merge, not both/);
});

test('--merge leaves a malformed xml, or one with unreadable objects, as it is', async () => {
  const { opts, xml } = busFolder();
  mkdirSync(path.dirname(xml));
  writeFileSync(xml, '<annotation><object><name>cat</name>');
  const r = await autolabel({ ...opts, merge: true });
  assert.equal(r.written, 0);
  assert.match(r.skipped[0]!.reason, /bus\.xml cannot be read \(not well-formed xml.*\); not merged$/);
  writeFileSync(xml, '<annotation><object><name>cat</name></object></annotation>');
  const r2 = await autolabel({ ...opts, merge: true });
  assert.match(r2.skipped[0]!.reason, /has objects that cannot be read \(object 1: "cat" has no <bndbox>\); not merged, to keep them$/);
  assert.equal(readFileSync(xml, 'utf8'), '<annotation><object><name>cat</name></object></annotation>');
});

test('--classes by name or id keeps only those classes', async () => {
  const { opts, xml } = busFolder();
  const r = await autolabel({ ...opts, classes: ['bus'] });
  assert.deepEqual(r.objects, { bus: 1 });
  assert.deepEqual(read(xml).objects.map((o) => o.name), ['bus']);
  const r2 = await autolabel({ ...opts, classes: [0], overwrite: true });
  assert.deepEqual(r2.objects, { person: 3 });
  await assert.rejects(autolabel({ ...opts, classes: ['zebra crossing'], overwrite: true }), /--classes zebra crossing: the model has no such class \(its classes: 0 person, 1 bicycle/);
});

test('shards, duplicate ids and class resolution (pure)', () => {
  const files = ['/d/e.jpg', '/d/a.jpg', '/d/c.png', '/d/b.jpg', '/d/d.jpg'];
  assert.deepEqual(shardFiles(files), ['/d/a.jpg', '/d/b.jpg', '/d/c.png', '/d/d.jpg', '/d/e.jpg']);
  assert.deepEqual(shardFiles(files, { index: 0, count: 2 }), ['/d/a.jpg', '/d/c.png', '/d/e.jpg']);
  assert.deepEqual(shardFiles(files, { index: 1, count: 2 }), ['/d/b.jpg', '/d/d.jpg']);
  const all = [0, 1, 2].flatMap((i) => shardFiles(files, { index: i, count: 3 }));
  assert.deepEqual(all.sort(), shardFiles(files), 'the shards cover every image once');
  assert.throws(() => shardFiles(files, { index: 2, count: 2 }), /0 <= i < n/);

  assert.deepEqual([...duplicateIds(['/d/x.png', '/d/x.jpg', '/e/x.jpg', '/d/x.y.jpg'])], [['/d/x.png', '/d/x.jpg'], ['/e/x.jpg', '/d/x.jpg']]);

  const names = ['person', 'bicycle', 'car'];
  assert.deepEqual(resolveClasses([2, '0', 'bicycle'], names), [2, 0, 1]);
  assert.throws(() => resolveClasses([3], names), /--classes 3: the model has no such class/);

  const box = (name: string, x: number, conf?: number): VocObject => ({ name, pose: 'Unspecified', truncated: false, difficult: false, bndbox: { xmin: x, ymin: 0, xmax: x + 10, ymax: 10, ...(conf === undefined ? {} : { conf }) } });
  const m = mergeObjects([box('a', 0), box('b', 50, 0.3)], [box('a', 1, 0.9), box('b', 50, 0.4), box('b', 0, 0.8), box('a', 30, 0.7)], 0.45);
  assert.deepEqual(m.added, [box('b', 0, 0.8), box('a', 30, 0.7)]);
});

test('label two images with one id: the second is skipped with the reason', async () => {
  const { work, opts } = busFolder();
  copyFileSync(bus, path.join(work, 'images/bus.png.jpg'));
  writeFileSync(path.join(work, 'images/bus.png'), readFileSync(bus));
  const r = await autolabel({ ...opts, classes: [5] });
  assert.equal(r.written, 2);
  assert.equal(r.skipped.length, 1);
  assert.match(r.skipped[0]!.file, /bus\.png$/);
  assert.match(r.skipped[0]!.reason, /^same id as .*bus\.jpg: both would write .*Annotations\/bus\.xml$/);
});

const raw: RawLabelOptions = { weights: 'w.pt', source: 'img', out: 'Annotations', confThres: 0.25, iouThres: 0.45, maxDet: 1000, project: 'runs/label', name: 'exp', device: '' };

test('label options: defaults, --classes ids and names, --shard, conflicts', () => {
  const o = labelOptionsFrom(raw);
  assert.deepEqual([o.out, o.img, o.confThres, o.iouThres, o.maxDet, o.classes, o.overwrite, o.merge, o.shard, o.project, o.name], ['Annotations', [640], 0.25, 0.45, 1000, null, false, false, undefined, 'runs/label', 'exp']);
  assert.deepEqual(labelOptionsFrom({ ...raw, classes: ['0', '2', 'traffic light'] }).classes, [0, 2, 'traffic light']);
  assert.deepEqual(labelOptionsFrom({ ...raw, classes: ['person,bus'] }).classes, ['person', 'bus']);
  assert.deepEqual(labelOptionsFrom({ ...raw, img: ['320'] }).img, [320]);
  assert.deepEqual(parseShard('1/4'), { index: 1, count: 4 });
  for (const bad of ['4/4', '1', 'a/b', '-1/2', '1/0']) assert.throws(() => parseShard(bad), /--shard expects i\/n/);
  assert.throws(() => labelOptionsFrom({ ...raw, overwrite: true, merge: true }), /not both/);
});
