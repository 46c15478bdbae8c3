import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

test('LIBTORCH pointing nowhere: the build stops with what it tried and how to fix it', () => {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build-native.mjs')], {
    env: { ...process.env, LIBTORCH: '/nowhere/libtorch' }, encoding: 'utf8',
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no libtorch \(PyTorch C\+\+ library\) was found/);
  assert.match(r.stderr, /LIBTORCH=\/nowhere\/libtorch: no ATen\/ATen\.h/);
  assert.match(r.stderr, /apt-get install libtorch-dev/);
  assert.match(r.stderr, /LIBTORCH=\/path\/to\/libtorch npm rebuild yolotrim/);
  assert.doesNotMatch(r.stderr, /error:|gyp ERR/, 'no compiler or gyp error');
});

test('a LibTorch folder given by LIBTORCH is used first, with its CUDA library detected', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yt-libtorch-'));
  mkdirSync(path.join(dir, 'include', 'ATen'), { recursive: true });
  mkdirSync(path.join(dir, 'include', 'torch', 'csrc', 'api', 'include'), { recursive: true });
  mkdirSync(path.join(dir, 'lib'));
  writeFileSync(path.join(dir, 'include', 'ATen', 'ATen.h'), '');
  for (const lib of ['libtorch.so', 'libtorch_cpu.so', 'libc10.so', 'libtorch_cuda.so']) writeFileSync(path.join(dir, 'lib', lib), '');
  const saved = process.env.LIBTORCH;
  process.env.LIBTORCH = dir;
  try {
    const { findLibtorch } = await import(path.join(root, 'scripts/find-libtorch.mjs'));
    const { found } = findLibtorch({ allowInstall: false });
    assert.equal(found.source, `LIBTORCH=${dir}`);
    assert.deepEqual(found.includes, [path.join(dir, 'include'), path.join(dir, 'include', 'torch', 'csrc', 'api', 'include')]);
    assert.equal(found.libDir, path.join(dir, 'lib'));
    assert.equal(found.cuda, true);
  } finally {
    if (saved === undefined) delete process.env.LIBTORCH;
    else process.env.LIBTORCH = saved;
  }
});
