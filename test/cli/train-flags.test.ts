import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addTrainFlags, trainOptionsFromFlags, type TrainFlags } from '../../src/cli/commands/train.js';
import { normalizeArgv } from '../../src/cli/main.js';

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
});
