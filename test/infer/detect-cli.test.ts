// `yolotrim detect` end to end on a temp folder: bus.jpg, a corrupt .jpg and PNG data behind a .jpg
// name; labels, --save-conf, the skip message, run-folder increments; and the pure option parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { detectOptionsFrom, type RawDetectOptions } from '../../src/cli/commands/detect.js';

const root = path.resolve(import.meta.dirname, '../..');
const ref = path.resolve(root, '../shared/reference/yolov5n_coco_320');
const weights = path.resolve(root, '../shared/weights/yolov5n.pt');
const summary = JSON.parse(readFileSync(path.join(ref, 'summary.json'), 'utf8')) as { orig_shape_hw: [number, number]; nms: { dets_orig_xyxy: number[][]; dets_input_xyxy_conf_cls: number[][] } };

function yolotrim(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/yolotrim.js'), ...args], { encoding: 'utf8', cwd });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function makeSourceFolder(): Promise<string> {
  const work = mkdtempSync(path.join(tmpdir(), 'yt-detect-'));
  const src = path.join(work, 'images');
  mkdirSync(src);
  copyFileSync(path.join(ref, 'bus.jpg'), path.join(src, 'bus.jpg'));
  writeFileSync(path.join(src, 'corrupt.jpg'), Buffer.from('\xff\xd8\xff\xe0 truncated nonsense'));
  // the bus image's top half as PNG data with an alpha channel, under a .jpg name
  await sharp(path.join(ref, 'bus.jpg')).extract({ left: 0, top: 0, width: 810, height: 540 }).ensureAlpha().png().toFile(path.join(src, 'png-data.jpg'));
  return work;
}

test('detect --save-txt --save-conf: labels, annotated images, per-image lines, skip message', async () => {
  const work = await makeSourceFolder();
  const r = yolotrim(work, 'detect', '--weights', weights, '--source', 'images', '--img', '320', '--save-txt', '--save-conf');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^image 1\/3 \S+bus\.jpg: 320x256 3 persons, 1 bus, Done\. \(pre [\d.]+ms, inference [\d.]+ms, NMS [\d.]+ms\)$/m);
  assert.match(r.out, /^image 3\/3 \S+png-data\.jpg: \d+x320 .*Done\./m);
  assert.match(r.err, /image 2\/3 \S+corrupt\.jpg: skipped, cannot read the image/);
  assert.match(r.out, /^Speed: [\d.]+ms pre-process, [\d.]+ms inference, [\d.]+ms NMS per image at shape \(1, 3, 320, 320\)$/m);
  assert.match(r.out, /^Results saved to runs\/detect\/exp$/m);
  assert.match(r.out, /^\d labels saved to runs\/detect\/exp\/labels$/m);
  const exp = path.join(work, 'runs/detect/exp');
  assert.deepEqual(readdirSync(exp).sort(), ['bus.jpg', 'labels', 'png-data.jpg']);

  const lines = readFileSync(path.join(exp, 'labels/bus.txt'), 'utf8').trim().split('\n');
  for (const l of lines) assert.match(l, /^\d+( \d\.\d{6}){5}$/, `--save-conf line: ${l}`);
  const rows = lines.map((l) => l.split(' ').map(Number));
  assert.deepEqual(rows.map((r) => r[0]), summary.nms.dets_input_xyxy_conf_cls.map((d) => d[5]));
  // detect.py's rect input (320x256) differs from the square reference input: boxes agree within 20 px (test/infer/predict.test.ts checks the square input to 2 px)
  const [h, w] = summary.orig_shape_hw;
  rows.forEach((row, k) => {
    const [, cx, cy, bw, bh, conf] = row as [number, number, number, number, number, number];
    const xyxy = [(cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h];
    xyxy.forEach((v, j) => assert.ok(Math.abs(v - summary.nms.dets_orig_xyxy[k]![j]!) <= 20, `box ${k}: ${xyxy} vs ${summary.nms.dets_orig_xyxy[k]}`));
    assert.ok(Math.abs(conf - summary.nms.dets_input_xyxy_conf_cls[k]![4]!) < 0.08, `conf ${conf}`);
  });
  const meta = await sharp(path.join(exp, 'bus.jpg')).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 810, 1080]);
});

test('detect --nosave --classes 5 --save-txt: exp2, only buses, label lines without confidence', async () => {
  const work = await makeSourceFolder();
  mkdirSync(path.join(work, 'runs/detect/exp'), { recursive: true });
  const r = yolotrim(work, 'detect', '--weights', weights, '--source', path.join(work, 'images', '*.jpg'), '--img', '320', '--nosave', '--save-txt', '--classes', '5');
  assert.equal(r.code, 0, r.err);
  const exp2 = path.join(work, 'runs/detect/exp2');
  assert.deepEqual(readdirSync(exp2), ['labels']);
  const lines = readFileSync(path.join(exp2, 'labels/bus.txt'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^5( \d\.\d{6}){4}$/);
  assert.match(r.out, /bus\.jpg: 320x256 1 bus, Done\./);
});

test('detect: a missing source or weights file is a one-line error (exit 1); bad flags are usage errors (exit 2)', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'yt-detect-'));
  const missing = yolotrim(work, 'detect', '--weights', weights, '--source', 'nope');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^yolotrim: nope: no such file or folder$/m);
  const noWeights = yolotrim(work, 'detect', '--weights', 'nope.pt', '--source', ref);
  assert.equal(noWeights.code, 1);
  assert.match(noWeights.err, /nope\.pt: no such file/);
  assert.equal(yolotrim(work, 'detect', '--weights', weights, '--source', ref, '--conf-thres', '2').code, 2);
  assert.ok(!existsSync(path.join(work, 'runs')), 'no run folder for a failed start');
});

const raw: RawDetectOptions = {
  weights: 'w.pt', source: 'img', confThres: 0.25, iouThres: 0.45, maxDet: 1000, project: 'runs/detect', name: 'exp', device: '', lineThickness: 3,
};

test('detect options: YOLOv5 defaults, --img one or two sizes, --classes list', () => {
  const o = detectOptionsFrom(raw);
  assert.deepEqual([o.img, o.confThres, o.iouThres, o.maxDet, o.classes, o.agnosticNms, o.saveTxt, o.nosave, o.project, o.name, o.existOk], [[640], 0.25, 0.45, 1000, null, false, false, false, 'runs/detect', 'exp', false]);
  assert.deepEqual(detectOptionsFrom({ ...raw, img: ['320'] }).img, [320]);
  assert.deepEqual(detectOptionsFrom({ ...raw, imgsz: ['480', '640'] }).img, [480, 640]);
  assert.deepEqual(detectOptionsFrom({ ...raw, classes: ['0', '2'] }).classes, [0, 2]);
  assert.throws(() => detectOptionsFrom({ ...raw, img: ['1', '2', '3'] }), /one size or two/);
  assert.throws(() => detectOptionsFrom({ ...raw, classes: ['x'] }), /--classes expects an integer/);
  assert.throws(() => detectOptionsFrom({ ...raw, img: ['320'], imgsz: ['640'] }), /once/);
});
