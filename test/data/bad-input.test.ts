// A folder with each kind of bad input: every bad file is reported by name with a reason and
// skipped, and the good files still convert.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { convertDataset, type ConvertResult } from '../../src/data/convert.js';
import { checkDataset } from '../../src/data/check.js';
import { formatCheckReport, formatConvertResult } from '../../src/data/report.js';
import { removeDir, tempDir, vocXml, writeImage } from './helpers.js';

const root = tempDir('yolotrim-bad-');
const A = (f: string) => path.join(root, 'Annotations', f);
const I = (f: string) => path.join(root, 'images', f);

/** Builds the folder: each case is described by its comment. */
async function buildBadFolder(dir: string): Promise<void> {
  const a = (f: string) => path.join(dir, 'Annotations', f);
  const i = (f: string) => path.join(dir, 'images', f);
  mkdirSync(path.join(dir, 'Annotations'));
  mkdirSync(path.join(dir, 'images'));
  // good: 100x50, one apple
  await writeImage(i('good.jpg'), 100, 50);
  writeFileSync(a('good.xml'), vocXml('good.jpg', [100, 50], [{ name: 'apple', box: [10, 10, 50, 40] }]));
  // a byte-identical copy of good.jpg, with its own xml
  copyFileSync(i('good.jpg'), i('copy.jpg'));
  writeFileSync(a('copy.xml'), vocXml('copy.jpg', [100, 50], [{ name: 'banana', box: [0, 0, 100, 50] }]));
  // id with dots, upper-case extension, no <size> (80x40 read from the image), a box reaching outside
  await writeImage(i('img.v2.final.JPG'), 80, 40);
  writeFileSync(a('img.v2.final.xml'), vocXml('img.v2.final.JPG', undefined, [{ name: 'banana', box: [-10, 0, 40, 50] }]));
  // the xml's id differs in case from the image file (a PNG)
  await writeImage(i('Mixed.png'), 60, 60, 'png');
  writeFileSync(a('mixed.xml'), vocXml('mixed.png', [0, 0], [{ name: 'apple', box: [0, 0, 30, 30] }]));
  // no objects: a background image
  await writeImage(i('background.jpg'), 32, 32);
  writeFileSync(a('background.xml'), vocXml('background.jpg', [32, 32], []));
  // a box with no area inside the image, a difficult object, and one good box
  await writeImage(i('dropbox.jpg'), 50, 50);
  writeFileSync(a('dropbox.xml'), vocXml('dropbox.jpg', [50, 50], [
    { name: 'apple', box: [60, 10, 80, 20] }, { name: 'banana', box: [5, 5, 10, 10], difficult: true }, { name: 'apple', box: [0, 0, 25, 50] },
  ]));
  // an object of a class not in --classes
  await writeImage(i('kiwi.jpg'), 40, 40);
  writeFileSync(a('kiwi.xml'), vocXml('kiwi.jpg', [40, 40], [{ name: 'kiwi', box: [1, 1, 20, 20] }, { name: 'banana', box: [0, 0, 40, 40] }]));
  // an object without <bndbox>, next to a good one
  await writeImage(i('badobj.jpg'), 40, 40);
  writeFileSync(a('badobj.xml'), vocXml('badobj.jpg', [40, 40], [{ name: 'apple', box: [0, 0, 20, 20] }]).replace('</annotation>', '<object><name>apple</name></object></annotation>'));
  // bad: not an image at all
  writeFileSync(i('corrupt.jpg'), 'definitely not a jpeg');
  writeFileSync(a('corrupt.xml'), vocXml('corrupt.jpg', [10, 10], [{ name: 'apple', box: [0, 0, 5, 5] }]));
  // bad: a JPEG cut in half (the header is fine)
  await writeImage(i('truncated.jpg'), 64, 64);
  const whole = readFileSync(i('truncated.jpg'));
  writeFileSync(i('truncated.jpg'), whole.subarray(0, whole.length >> 1));
  writeFileSync(a('truncated.xml'), vocXml('truncated.jpg', [64, 64], [{ name: 'apple', box: [0, 0, 5, 5] }]));
  // bad: malformed xml, empty xml, an xml without its image
  await writeImage(i('malformed.jpg'), 20, 20);
  writeFileSync(a('malformed.xml'), '<annotation><object><name>apple</name></annotation>');
  await writeImage(i('empty.jpg'), 20, 20);
  writeFileSync(a('empty.xml'), '');
  writeFileSync(a('orphan.xml'), vocXml('orphan.jpg', [20, 20], [{ name: 'apple', box: [0, 0, 5, 5] }]));
  // an image without an xml
  await writeImage(i('stray.jpg'), 20, 20);
}

let result: ConvertResult;
before(async () => {
  await buildBadFolder(root);
  result = await convertDataset(root, { classes: ['apple', 'banana'] });
});
after(() => removeDir(root));

const GOOD = ['good', 'copy', 'img.v2.final', 'mixed', 'background', 'dropbox', 'kiwi', 'badobj'];
const BAD = {
  'images/corrupt.jpg': /not a readable image.*skipped/,
  'images/truncated.jpg': /premature end of JPEG.*skipped/i,
  'Annotations/malformed.xml': /not well-formed xml \(line 1.*skipped/,
  'Annotations/empty.xml': /empty file; skipped/,
  'Annotations/orphan.xml': /no image images\/orphan\.\*; skipped/,
};

test('each bad file is an error naming the file and the reason; the run goes on', () => {
  const errors = result.issues.filter((i) => i.level === 'error');
  assert.deepEqual(errors.map((e) => e.file).sort(), Object.keys(BAD).sort());
  for (const [file, reason] of Object.entries(BAD)) assert.match(errors.find((e) => e.file === file)!.reason, reason, file);
  assert.deepEqual(errors.map((e) => e.kind).sort(), ['empty-xml', 'malformed-xml', 'missing-image', 'unreadable-image', 'unreadable-image']);
});

test('warnings: a dropped box, an unknown class (file and class named), an unusable object', () => {
  const warnings = result.issues.filter((i) => i.level === 'warning').map((w) => `${w.kind} ${w.file}: ${w.reason}`);
  assert.deepEqual(warnings.sort(), [
    'bad-object Annotations/badobj.xml: object 2: "apple" has no <bndbox>; dropped',
    'empty-box Annotations/dropbox.xml: object 1 ("apple", x 60..80, y 10..20) has no area inside the 50x50 image; dropped',
    'unknown-class Annotations/kiwi.xml: object 1: class "kiwi" is not in the class list; dropped',
  ]);
});

test('counts in the summary', () => {
  const c = result.counts;
  assert.deepEqual(
    { xml: c.xmlFiles, converted: c.converted, skipped: c.skipped, boxes: c.boxes, perClass: c.boxesPerClass, background: c.background },
    { xml: 13, converted: 8, skipped: 5, boxes: 7, perClass: [4, 3], background: 1 },
  );
  assert.deepEqual([c.difficult, c.clipped, c.dropped, c.unknownClass, c.sizeFromImage, c.imagesWithoutXml], [1, 1, 1, 1, 2, 1]);
  assert.equal(result.lists.train + result.lists.val + result.lists.test, 8);
  assert.deepEqual(result.split, { dir: 'ImageSets', created: true });
  const text = formatConvertResult(result).join('\n');
  for (const f of [...Object.keys(BAD), 'Annotations/kiwi.xml', 'Annotations/dropbox.xml']) assert.ok(text.includes(f), f);
  assert.match(text, /summary: 5 errors, 3 warnings/);
  assert.match(text, /5 xml files skipped; 1 difficult object left out; 1 box clipped to the image; 1 box with no area dropped/);
});

test('the good files convert, with correct labels', () => {
  const label = (f: string) => readFileSync(path.join(root, 'labels', f), 'utf8');
  assert.equal(label('good.txt'), '0 0.300000 0.500000 0.400000 0.600000\n');
  assert.equal(label('img.v2.final.txt'), '1 0.250000 0.500000 0.500000 1.000000\n'); // clipped to 0..40 x 0..40 of 80x40
  assert.equal(label('Mixed.txt'), '0 0.250000 0.250000 0.500000 0.500000\n'); // size 0x0 in the xml: 60x60 from the png
  assert.equal(label('background.txt'), '');
  assert.equal(label('dropbox.txt'), '0 0.250000 0.500000 0.500000 1.000000\n');
  assert.equal(label('kiwi.txt'), '1 0.500000 0.500000 1.000000 1.000000\n');
  assert.equal(label('badobj.txt'), '0 0.250000 0.250000 0.500000 0.500000\n');
  for (const bad of ['corrupt', 'truncated', 'malformed', 'empty', 'orphan', 'stray']) assert.ok(!existsSync(path.join(root, 'labels', `${bad}.txt`)), bad);
  const listed = ['train', 'val', 'test'].flatMap((k) => readFileSync(path.join(root, `${k}.txt`), 'utf8').trim().split('\n').filter(Boolean));
  assert.deepEqual(listed.map((l) => path.basename(l).replace(/\.[^.]+$/, '')).sort(), [...GOOD].map((g) => (g === 'mixed' ? 'Mixed' : g)).sort());
  assert.ok(listed.includes('./images/img.v2.final.JPG'));
  assert.ok(existsSync(A('good.xml')) && existsSync(I('good.jpg')));
});

test('check --root reports the same bad files, and more', async () => {
  const r = await checkDataset({ root });
  const byKind = (kind: string) => r.issues.filter((i) => i.kind === kind).map((i) => i.file).sort();
  assert.equal(r.errors, 5);
  assert.deepEqual(byKind('unreadable-image'), ['images/corrupt.jpg', 'images/truncated.jpg']);
  assert.deepEqual(byKind('malformed-xml'), ['Annotations/malformed.xml']);
  assert.deepEqual(byKind('empty-xml'), ['Annotations/empty.xml']);
  assert.deepEqual(byKind('missing-image'), ['Annotations/orphan.xml']);
  assert.deepEqual(byKind('missing-label'), ['images/stray.jpg']);
  assert.deepEqual(byKind('box-outside-image'), ['Annotations/img.v2.final.xml']);
  assert.deepEqual(byKind('empty-box'), ['Annotations/dropbox.xml']);
  assert.deepEqual(byKind('duplicate-image'), ['images/copy.jpg']);
  assert.match(r.issues.find((i) => i.kind === 'duplicate-image')!.reason, /same content as images\/good.jpg/);
  const text = formatCheckReport(r).join('\n');
  assert.match(text, /error: unreadable images \(2\)\n  images\/corrupt.jpg: .*\n  images\/truncated.jpg: /);
  assert.match(text, /summary: 5 errors, \d+ warnings/);
});
