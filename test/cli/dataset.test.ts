// `yolotrim dataset ...`: the pure option parsing, then the real command line on a small temp copy of
// the fruit set (exit codes: 0 done, 1 failed or dataset errors, 2 usage).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCheckArgs, parseClassList, parseConvertArgs, parseFraction, parseSeed, parseSplitArgs } from '../../src/cli/commands/dataset.js';
import { UsageError } from '../../src/cli/errors.js';
import { fruitCopy, removeDir } from '../data/helpers.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/yolotrim.js');

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'dataset', ...args], { encoding: 'utf8', env: { ...process.env, YOLOTRIM_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('option parsing is pure and strict', () => {
  assert.equal(parseFraction('--train', undefined, 0.9), 0.9);
  assert.equal(parseFraction('--train', '0.75', 0.9), 0.75);
  for (const bad of ['', 'x', '-0.1', '1.01']) assert.throws(() => parseFraction('--train', bad, 0.9), UsageError);
  assert.equal(parseSeed('42'), 42);
  for (const bad of ['-1', '1.5', 'abc', '4294967296']) assert.throws(() => parseSeed(bad), /--seed must be an integer/);
  assert.deepEqual(parseClassList(' apple, banana ,orange'), ['apple', 'banana', 'orange']);
  assert.throws(() => parseClassList('a,,b'), /empty name/);
  assert.throws(() => parseClassList('a,b,a'), /"a" twice/);
  assert.deepEqual(parseSplitArgs({ root: 'ds' }), { root: 'ds', options: { trainval: 0.9, train: 0.9, seed: 0, overwrite: false } });
  assert.throws(() => parseSplitArgs({}), (e: Error) => e instanceof UsageError && /--root <folder> is required/.test(e.message));
  assert.deepEqual(parseConvertArgs({ root: 'ds', classes: 'b,a', keepDifficult: true, headersOnly: true, seed: '3' }), {
    root: 'ds',
    verbose: false,
    options: { trainval: 0.9, train: 0.9, seed: 3, overwrite: false, classes: ['b', 'a'], keepDifficult: true, decode: false },
  });
  assert.deepEqual(parseCheckArgs({ data: 'd.yaml' }), { target: { data: 'd.yaml' }, decode: true, verbose: false });
  assert.throws(() => parseCheckArgs({}), UsageError);
  assert.throws(() => parseCheckArgs({ data: 'd.yaml', root: 'r' }), UsageError);
});

// 5 of each kind (apple, banana, orange, mixed): 20 images, apple_1 among them (its xml says 0x0)
const root = fruitCopy((id) => /_[1-5]$/.test(id));
after(() => removeDir(root));

test('split, convert and check run clean on a fruit subset', () => {
  const split = cli('split', '--root', root, '--seed', '5');
  assert.equal(split.code, 0, split.stderr);
  assert.match(split.stdout, /split 20 ids of .*: train 16, val 2, test 2 \(trainval 18\)/);
  const convert = cli('convert', '--root', root);
  assert.equal(convert.code, 0, convert.stderr);
  assert.match(convert.stdout, /converted .*: 20 of 20 xml files → labels\//);
  assert.match(convert.stdout, /classes \(from the xml files, sorted\): apple, banana, orange/);
  assert.match(convert.stdout, /summary: no errors, no warnings/);
  assert.equal(readFileSync(path.join(root, 'labels/apple_1.txt'), 'utf8'), '0 0.485673 0.521490 0.925501 0.957020\n');
  const checkData = cli('check', '--data', path.join(root, 'data.yaml'));
  assert.equal(checkData.code, 0, checkData.stderr);
  assert.match(checkData.stdout, /20 images \(train 16, val 2, test 2\)/);
  const checkRoot = cli('check', '--root', root, '--headers-only');
  assert.equal(checkRoot.code, 0, checkRoot.stderr);
  assert.match(checkRoot.stdout, /summary: no errors, no warnings/);
  assert.equal(convert.stderr, ''); // no TTY: no progress bar, just the summary
});

test('an edited data.yaml is not overwritten without --overwrite', () => {
  appendFileSync(path.join(root, 'data.yaml'), '# my note\n');
  const refused = cli('convert', '--root', root, '--headers-only');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^yolotrim: data.yaml exists in .* was not written by yolotrim .*use --overwrite/);
  assert.match(readFileSync(path.join(root, 'data.yaml'), 'utf8'), /# my note/);
  const forced = cli('convert', '--root', root, '--headers-only', '--overwrite');
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /files: 1 written, 23 unchanged/);
});

test('a bad file is reported by convert (exit 0) and fails check (exit 1)', () => {
  writeFileSync(path.join(root, 'Annotations/apple_2.xml'), '<annotation><object></annotation>');
  const convert = cli('convert', '--root', root, '--headers-only');
  assert.equal(convert.code, 0, convert.stderr);
  assert.match(convert.stdout, /error: malformed xml files \(1\)\n  Annotations\/apple_2.xml: not well-formed xml/);
  assert.match(convert.stdout, /summary: 1 error, 0 warnings/);
  const check = cli('check', '--root', root, '--headers-only');
  assert.equal(check.code, 1);
  assert.match(check.stdout, /Annotations\/apple_2.xml/);
  assert.equal(check.stderr, 'yolotrim: the dataset has 1 error\n');
});

test('usage errors exit 2, a missing folder exits 1', () => {
  for (const args of [['split'], ['split', '--root', root, '--trainval', '2'], ['convert', '--root', root, '--bogus'], ['check'], ['check', '--data', 'a', '--root', 'b']]) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.notEqual(r.stderr, '');
  }
  const missing = cli('convert', '--root', path.join(root, 'nope'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^yolotrim: .*nope is not a folder\n$/);
});
