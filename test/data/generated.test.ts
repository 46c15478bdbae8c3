import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE, isGenerated, writeGeneratedFiles } from '../../src/data/generated.js';
import { removeDir, tempDir } from './helpers.js';

test('generated files are rewritten; user files and edited files need overwrite; nothing is half written', async () => {
  const root = tempDir();
  try {
    const first = await writeGeneratedFiles(root, [{ path: 'a/x.txt', content: '1\n' }, { path: 'y.txt', content: 'y\n' }]);
    assert.deepEqual(first, { written: ['a/x.txt', 'y.txt'], unchanged: [] });
    assert.ok(await isGenerated(root, 'a/x.txt'));
    const manifest = JSON.parse(readFileSync(path.join(root, MANIFEST_FILE), 'utf8'));
    assert.deepEqual(Object.keys(manifest.files), ['a/x.txt', 'y.txt']);

    const again = await writeGeneratedFiles(root, [{ path: 'a/x.txt', content: '2\n' }, { path: 'y.txt', content: 'y\n' }]);
    assert.deepEqual(again, { written: ['a/x.txt'], unchanged: ['y.txt'] });

    writeFileSync(path.join(root, 'y.txt'), 'edited\n');
    writeFileSync(path.join(root, 'mine.txt'), 'mine\n');
    await assert.rejects(
      writeGeneratedFiles(root, [{ path: 'a/x.txt', content: '3\n' }, { path: 'y.txt', content: 'y\n' }, { path: 'mine.txt', content: 'm\n' }]),
      /2 files in .* exist that yolotrim did not write \(or that were edited since\): y.txt, mine.txt. Nothing was written; use --overwrite/,
    );
    assert.equal(readFileSync(path.join(root, 'a/x.txt'), 'utf8'), '2\n');
    assert.ok(!(await isGenerated(root, 'y.txt')));

    await writeGeneratedFiles(root, [{ path: 'y.txt', content: 'y\n' }, { path: 'mine.txt', content: 'm\n' }], { overwrite: true });
    assert.equal(readFileSync(path.join(root, 'mine.txt'), 'utf8'), 'm\n');
    assert.ok(await isGenerated(root, 'mine.txt'));
  } finally {
    removeDir(root);
  }
});

test('a symbolic link is replaced by a file, never written through', async () => {
  const root = tempDir();
  try {
    writeFileSync(path.join(root, 'target.txt'), 'precious\n');
    symlinkSync(path.join(root, 'target.txt'), path.join(root, 'link.txt'));
    await assert.rejects(writeGeneratedFiles(root, [{ path: 'link.txt', content: 'new\n' }]), /link.txt exists/);
    await writeGeneratedFiles(root, [{ path: 'link.txt', content: 'new\n' }], { overwrite: true });
    assert.equal(readFileSync(path.join(root, 'target.txt'), 'utf8'), 'precious\n');
    assert.ok(lstatSync(path.join(root, 'link.txt')).isFile());
  } finally {
    removeDir(root);
  }
});
