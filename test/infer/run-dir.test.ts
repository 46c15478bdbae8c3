// Run folders like YOLOv5's increment_path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { incrementPath, makeRunDir } from '../../src/infer/run-dir.js';

test('exp, exp2, exp3 ...; existOk reuses exp; nothing is created with mkdir: false', () => {
  const project = path.join(mkdtempSync(path.join(tmpdir(), 'yt-run-')), 'runs', 'detect');
  const a = makeRunDir({ project, name: 'exp' });
  const b = makeRunDir({ project, name: 'exp' });
  const c = makeRunDir({ project, name: 'exp' });
  assert.deepEqual([a, b, c].map((p) => path.basename(p)), ['exp', 'exp2', 'exp3']);
  assert.ok(existsSync(c));
  assert.equal(makeRunDir({ project, name: 'exp', existOk: true }), a);
  assert.equal(path.basename(makeRunDir({ project, name: 'exp', mkdir: false })), 'exp4');
  assert.ok(!existsSync(path.join(project, 'exp4')));
  assert.equal(path.basename(makeRunDir({ project, name: 'other' })), 'other');
});

test('an existing file keeps its extension after the number', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yt-run-'));
  writeFileSync(path.join(dir, 'results.csv'), '');
  assert.equal(incrementPath(path.join(dir, 'results.csv')), path.join(dir, 'results2.csv'));
  assert.equal(incrementPath(path.join(dir, 'new.csv')), path.join(dir, 'new.csv'));
});
