import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
function yolotrim(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/yolotrim.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('info runs the tensor smoke test', () => {
  const r = yolotrim('info');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /libtorch 1\.13/);
  assert.match(r.out, /smoke test.*ok/);
});

test('info --cfg prints YOLOv5\'s table and summary (yolov5s nc=1, yolov5n nc=1)', () => {
  const s = yolotrim('info', '--cfg', 'yolov5s.yaml', '--nc', '1');
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, /^\s+0\s+-1\s+1\s+3520\s+models\.common\.Conv\s+\[3, 32, 6, 2, 2\]/m);
  assert.match(s.out, /YOLOv5 summary: 214 layers, 7022326 parameters, 7022326 gradients, 15\.8 GFLOPs/);
  const n = yolotrim('info', '--cfg', 'yolov5n', '--nc', '1');
  assert.match(n.out, /1765270 parameters/);
});

test('info --weights reads the official checkpoint', () => {
  const r = yolotrim('info', '--weights', path.resolve(root, '../shared/weights/yolov5n.pt'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /1872157 parameters, 1872157 gradients, 4\.5 GFLOPs/);
});

test('bad input: one-line errors and exit codes (1 failure, 2 usage)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yt-cli-'));
  const truncated = path.join(dir, 'cut.pt');
  writeFileSync(truncated, readFileSync(path.resolve(root, '../shared/weights/yolov5n.pt')).subarray(0, 100_000));
  const t = yolotrim('info', '--weights', truncated);
  assert.equal(t.code, 1);
  assert.equal(t.err.trim().split('\n').length, 1, t.err);
  assert.match(t.err, /cut\.pt: .*truncated/);
  const u = yolotrim('info', '--nc', 'x');
  assert.equal(u.code, 2);
  assert.match(u.err, /--nc expects an integer/);
  const unknown = yolotrim('frobnicate');
  assert.equal(unknown.code, 2);
  const missing = yolotrim('info', '--cfg', 'nope.yaml');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /model yaml not found: nope\.yaml/);
});
