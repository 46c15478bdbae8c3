import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addTrainFlags, trainOptionsFromFlags, type TrainFlags } from '../../src/cli/commands/train.js';
import { normalizeArgv } from '../../src/cli/main.js';
import { autoCacheMode } from '../../src/data/image-source.js';

function parse(args: string[]): TrainFlags {
  const cmd = addTrainFlags(new Command('train').exitOverride());
  cmd.parse(normalizeArgv(args), { from: 'user' });
  return cmd.opts() as TrainFlags;
}

test('YOLOv5 train flags and defaults', () => {
  const f = parse(['--weights', 'yolov5n.pt', '--data', 'd.yaml', '--imgsz', '320', '--freeze', '10', '--cos-lr', '--cache']);
  const o = trainOptionsFromFlags({ ...f, freeze: f.freeze ?? [0] });
  assert.equal(o.imgSize, 320);
  assert.equal(o.epochs, 100);
  assert.equal(o.batchSize, 16);
  assert.equal(o.optimizer, 'SGD');
  assert.equal(o.patience, 100);
  assert.deepEqual(o.freeze, [10]);
  assert.equal(o.cosLr, true);
  assert.equal(o.cache, 'ram');
  assert.equal(o.project, 'runs/train');
  assert.equal(o.name, 'exp');
  assert.equal(o.workers, undefined);
});

test('--img-size and --imgsz are aliases of --img; --t_weights/--s_weights of --teacher/--student', () => {
  assert.deepEqual(normalizeArgv(['--img-size', '512', '--imgsz=256', '--t_weights', 'a', '--s_weights=b']), ['--img', '512', '--img=256', '--teacher', 'a', '--student=b']);
});

test('missing or contradictory flags are usage errors', () => {
  assert.throws(() => trainOptionsFromFlags({ ...parse(['--weights', 'x.pt']), freeze: [0] }), /--data is required/);
  assert.throws(() => trainOptionsFromFlags({ ...parse(['--data', 'd.yaml']), freeze: [0] }), /give --weights .* or --cfg/);
  assert.throws(() => trainOptionsFromFlags({ ...parse(['--data', 'd.yaml', '--cfg', 'yolov5n.yaml', '--optimizer', 'RMS']), freeze: [0] }), /--optimizer must be SGD, Adam or AdamW/);
  assert.throws(() => parse(['--epochs', '0']), /--epochs expects an integer >= 1/);
  assert.throws(() => trainOptionsFromFlags({ ...parse(['--data', 'd.yaml', '--cfg', 'yolov5n.yaml', '--cache', 'gpu']), freeze: [0] }), /--cache must be ram, disk or none/);
});

test('--cache: ram/disk/none as given; without it, small sets are cached in RAM, large ones decoded each epoch', () => {
  const of = (args: string[]) => trainOptionsFromFlags({ ...parse(['--data', 'd.yaml', '--cfg', 'yolov5n.yaml', ...args]), freeze: [0] }).cache;
  assert.equal(of([]), undefined);
  assert.equal(of(['--cache', 'none']), 'none');
  assert.equal(of(['--cache', 'disk']), 'disk');
  const small = Array.from({ length: 300 }, () => [480, 640] as [number, number]);
  assert.deepEqual(autoCacheMode(small, 320, 8 * 2 ** 30), { mode: 'ram', bytes: 300 * 240 * 320 * 3 });
  assert.equal(autoCacheMode(small, 320, 100 * 2 ** 20).mode, false, 'not when it would take over a fifth of the free memory');
  const big = Array.from({ length: 20000 }, () => [640, 640] as [number, number]);
  assert.equal(autoCacheMode(big, 640, 64 * 2 ** 30).mode, false, 'not over 1 GiB');
});
