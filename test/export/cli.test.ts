// `yolotrim export`: the pure option parsing, and the command end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportOptionsFrom, type RawExportOptions } from '../../src/cli/commands/export.js';
import { OFFICIAL_PT } from './models.js';

const root = path.resolve(import.meta.dirname, '../..');
function yolotrim(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/yolotrim.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const raw = (o: Partial<RawExportOptions>): RawExportOptions => ({ weights: 'w.pt', format: 'onnx', batch: 1, opset: 17, ...o });

test('export options: defaults, sizes, formats', () => {
  assert.deepEqual(exportOptionsFrom(raw({})), { weights: 'w.pt', img: [640], batch: 1, dynamic: false, opset: 17, out: undefined, overwrite: false });
  assert.deepEqual(exportOptionsFrom(raw({ img: ['320', '480'], dynamic: true })).img, [320, 480]);
  assert.deepEqual(exportOptionsFrom(raw({ format: 'ONNX', imgsz: ['256'] })).img, [256]);
  assert.throws(() => exportOptionsFrom(raw({ format: 'tflite' })), /--format tflite is not supported; formats: onnx/);
  assert.throws(() => exportOptionsFrom(raw({ img: ['1', '2', '3'] })), /one size or two/);
  assert.throws(() => exportOptionsFrom(raw({ img: ['abc'] })), /--img expects an integer/);
});

test('yolotrim export writes <weights>.onnx beside the weights, then refuses to replace it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yt-export-cli-'));
  const weights = path.join(dir, 'yolov5n.pt');
  copyFileSync(OFFICIAL_PT, weights);
  const a = yolotrim('export', '--weights', weights, '--img', '100', '--dynamic');
  assert.equal(a.code, 0, a.err);
  assert.match(a.out, /input images \[batch, 3, height, width\], output output0 \[batch, anchors, 85\], 80 classes, stride 32/);
  assert.match(a.out, new RegExp(`saved as ${path.join(dir, 'yolov5n.onnx').replaceAll('.', '\\.')} \\(7\\.5 MB\\)`));
  const mtime = statSync(path.join(dir, 'yolov5n.onnx')).mtimeMs;
  const b = yolotrim('export', '--weights', weights);
  assert.equal(b.code, 1);
  assert.match(b.err, /^yolotrim: .*yolov5n\.onnx already exists; not replacing it\. Pass --overwrite to replace it, or --out to write elsewhere\n$/);
  assert.equal(statSync(path.join(dir, 'yolov5n.onnx')).mtimeMs, mtime);
  const c = yolotrim('export', '--weights', weights, '--img', '100', '--overwrite');
  assert.equal(c.code, 0, c.err);
  assert.match(c.err, /WARNING --img 100 must be a multiple of max stride 32, updating to 128 128/);
  assert.match(c.out, /input images \[1, 3, 128, 128\], output output0 \[1, 1008, 85\]/);
  const d = yolotrim('export', '--weights', weights, '--format', 'coreml');
  assert.equal(d.code, 2);
  assert.match(d.err, /--format coreml is not supported/);
});
