// --source expansion: a file, a folder, a glob, a .txt list; missing paths and non-images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expandSource, globFiles, SourceError } from '../../src/infer/sources.js';

const root = mkdtempSync(path.join(tmpdir(), 'yt-src-'));
for (const f of ['b.jpg', 'a.PNG', 'notes.md', '.hidden.jpg', 'sub/c.webp', 'sub/deep/d.bmp', 'sub/e.txt']) {
  mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
  writeFileSync(path.join(root, f), 'x');
}
const rel = (files: string[]): string[] => files.map((f) => path.relative(root, f));

test('a folder gives its images (not sub-folders), sorted; a single file gives itself', () => {
  assert.deepEqual(rel(expandSource(root).files), ['.hidden.jpg', 'a.PNG', 'b.jpg']);
  assert.deepEqual(rel(expandSource(path.join(root, 'b.jpg')).files), ['b.jpg']);
  assert.deepEqual(rel(expandSource('b.jpg', root).files), ['b.jpg'], 'relative to cwd');
});

test('globs: *, ?, [...], ** for any depth; wildcards skip dot files', () => {
  assert.deepEqual(rel(expandSource(path.join(root, '*.jpg')).files), ['b.jpg']);
  assert.deepEqual(rel(expandSource(path.join(root, '?.*')).files), ['a.PNG', 'b.jpg']);
  assert.deepEqual(rel(expandSource(path.join(root, '[ab].*')).files), ['a.PNG', 'b.jpg']);
  assert.deepEqual(rel(expandSource(path.join(root, '**', '*.*')).files), ['a.PNG', 'b.jpg', 'sub/c.webp', 'sub/deep/d.bmp']);
  assert.deepEqual(rel(globFiles(path.join(root, 'sub', '*'))), ['sub/c.webp', 'sub/deep', 'sub/e.txt']);
  assert.deepEqual(expandSource(path.join(root, '*.gif')).files, []);
});

test('a .txt list: entries relative to the list, globs and folders inside it, comments skipped', () => {
  const list = path.join(root, 'sub', 'list.txt');
  writeFileSync(list, `# images\nc.webp\n${path.join(root, 'b.jpg')}\n\ndeep\n../*.PNG\n`);
  const r = expandSource(list);
  assert.deepEqual(rel(r.files), ['sub/c.webp', 'b.jpg', 'sub/deep/d.bmp', 'a.PNG']);
});

test('non-image files are reported, missing paths are errors, duplicates count once', () => {
  const r = expandSource([path.join(root, 'notes.md'), path.join(root, 'b.jpg'), path.join(root, 'b.jpg')]);
  assert.deepEqual(rel(r.files), ['b.jpg']);
  assert.deepEqual(rel(r.ignored), ['notes.md']);
  assert.throws(() => expandSource(path.join(root, 'nope.jpg')), (e: Error) => e instanceof SourceError && /no such file/.test(e.message));
});
