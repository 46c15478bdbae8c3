// `dataset check --data` on a YOLOv5-style folder built by hand (images/{train,val}, labels/{train,val}).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkDataset } from '../../src/data/check.js';
import type { CheckReport } from '../../src/data/check-report.js';
import { formatCheckReport } from '../../src/data/report.js';
import { removeDir, tempDir, writeImage } from './helpers.js';

const root = tempDir('yolotrim-check-');
let report: CheckReport;

before(async () => {
  const p = (f: string) => path.join(root, f);
  for (const d of ['images/train', 'images/val', 'labels/train', 'labels/val', 'cfg']) mkdirSync(p(d), { recursive: true });
  await writeImage(p('images/train/ok.jpg'), 40, 30);
  writeFileSync(p('labels/train/ok.txt'), '0 0.5 0.5 0.2 0.2\n1 0.25 0.25 0.5 0.5\n');
  await writeImage(p('images/train/bg.png'), 20, 20, 'png');
  writeFileSync(p('labels/train/bg.txt'), '');
  await writeImage(p('images/train/nolabel.jpg'), 20, 20);
  await writeImage(p('images/train/range.jpg'), 20, 20);
  writeFileSync(p('labels/train/range.txt'), '2 0.5 0.5 0.1 0.1\n0 1.5 0.5 0.1 0.1\n0 0.05 0.5 0.3 0.1\n');
  await writeImage(p('images/train/badline.jpg'), 20, 20);
  writeFileSync(p('labels/train/badline.txt'), '0 0.5 0.5 0.1\n1 0.5 0.5 0.1 0.1\n1 0.5 0.5 0.1 0.1\n');
  writeFileSync(p('images/train/broken.jpg'), 'not an image');
  copyFileSync(p('images/train/ok.jpg'), p('images/val/ok-again.jpg'));
  writeFileSync(p('labels/val/ok-again.txt'), '0 0.5 0.5 0.2 0.2\n');
  writeFileSync(p('val.txt'), './images/val/ok-again.jpg\n./images/val/gone.jpg\n');
  // the yaml sits in cfg/; path: .. is taken from there
  writeFileSync(p('cfg/data.yaml'), 'path: ..\ntrain: images/train\nval: [val.txt, images/missing]\nnames:\n  0: cat\n  1: dog\n');
  report = await checkDataset({ data: p('cfg/data.yaml') });
});
after(() => removeDir(root));

test('counts images per list, boxes and images per class', () => {
  assert.equal(report.kind, 'yolo');
  assert.equal(report.root, root);
  assert.deepEqual(report.splits, { train: 6, val: 2 });
  assert.equal(report.images, 8);
  // valid labels only: ok (cat, dog), range (cat at 0.05: a warning, still counted), badline (dog x2), ok-again (cat)
  assert.deepEqual(report.classes, [{ name: 'cat', boxes: 3, images: 3 }, { name: 'dog', boxes: 3, images: 2 }]);
  assert.deepEqual(report.notes, []);
});

test('each problem is reported with its file', () => {
  const got = report.issues.map((i) => `${i.level} ${i.kind} ${i.file}: ${i.reason}`).sort();
  assert.deepEqual(got, [
    'error label-out-of-range labels/train/range.txt: label 1: class 2 is not below nc 2',
    'error label-out-of-range labels/train/range.txt: label 2: cx 1.5 is outside [0, 1]',
    'error listed-missing images/missing: val source does not exist (or is not a folder, .txt list or image)',
    'error listed-missing images/val/gone.jpg: listed, but the file does not exist',
    'error malformed-label labels/train/badline.txt: line 1: 4 values, expected 5 (cls cx cy w h) or 6 (with conf)',
    'error unreadable-image images/train/broken.jpg: not a readable image (unknown format or corrupt data)',
    'warning box-outside-image labels/train/range.txt: label 3: box reaches outside the image (x -0.1..0.2, y 0.45..0.55)',
    'warning duplicate-image images/train/ok.jpg: same content as images/val/ok-again.jpg (across train and val)',
    'warning duplicate-label labels/train/badline.txt: label 2 repeats an earlier row',
    'warning missing-label images/train/nolabel.jpg: no label file labels/train/nolabel.txt (trained as a background image)',
  ]);
  assert.equal(report.errors, 6);
  assert.equal(report.warnings, 4);
});

test('the readable report', () => {
  const text = formatCheckReport(report, { maxPerKind: 1 }).join('\n');
  assert.match(text, /^check of .*cfg\/data.yaml \(YOLO data yaml\)\n8 images \(train 6, val 2\): 4 labelled, 2 without boxes; 6 boxes\n/);
  assert.match(text, /  class   boxes  images\n  cat         3       3\n  dog         3       2\n/);
  assert.match(text, /error: labels out of range \(2\)\n  labels\/train\/range.txt: label 1: class 2 is not below nc 2\n  \.\.\. and 1 more \(--verbose shows all\)/);
  assert.match(text, /summary: 6 errors, 4 warnings$/);
});

test('check needs exactly one of data and root', async () => {
  await assert.rejects(checkDataset({}), /exactly one/);
  await assert.rejects(checkDataset({ root: path.join(root, 'nowhere') }), /is not a folder/);
  await assert.rejects(checkDataset({ root }), /has no Annotations folder/);
});
