import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLabelLine, formatLabels, labelProblems, parseLabels } from '../../src/data/formats/yolo-txt.js';

test('formats labels with 6 decimals, as YOLOv5', () => {
  assert.equal(formatLabelLine({ cls: 2, cx: 0.5, cy: 1 / 3, w: 0.25, h: 1e-9 }), '2 0.500000 0.333333 0.250000 0.000000');
  assert.equal(formatLabelLine({ cls: 0, cx: -1e-9, cy: 0.1, w: 0.2, h: 0.3, conf: 0.87654321 }), '0 0.000000 0.100000 0.200000 0.300000 0.876543');
  assert.equal(formatLabels([]), '');
  assert.equal(formatLabels([{ cls: 1, cx: 0.5, cy: 0.5, w: 1, h: 1 }]), '1 0.500000 0.500000 1.000000 1.000000\n');
});

test('parses label files; unreadable lines are errors with their line number', () => {
  const { labels, errors } = parseLabels('0 0.5 0.5 0.2 0.2\n\n1 0.1 0.1 0.1 0.1 0.9\r\n2 0.5 0.5\n3 a 0.5 0.1 0.1\n');
  assert.deepEqual(labels, [
    { cls: 0, cx: 0.5, cy: 0.5, w: 0.2, h: 0.2 },
    { cls: 1, cx: 0.1, cy: 0.1, w: 0.1, h: 0.1, conf: 0.9 },
  ]);
  assert.deepEqual(errors, [
    { line: 4, reason: '3 values, expected 5 (cls cx cy w h) or 6 (with conf)' },
    { line: 5, reason: '"a" is not a number' },
  ]);
});

test('range checks: errors for what YOLOv5 rejects, a warning for boxes past the border', () => {
  assert.deepEqual(labelProblems({ cls: 0, cx: 0.5, cy: 0.5, w: 1, h: 1 }, 1), { errors: [], warnings: [] });
  assert.deepEqual(labelProblems({ cls: 3, cx: 0.5, cy: 0.5, w: 0.1, h: 0.1 }, 3).errors, ['class 3 is not below nc 3']);
  assert.deepEqual(labelProblems({ cls: 1.5, cx: 0.5, cy: 0.5, w: 0.1, h: 0.1 }).errors, ['class 1.5 is not a non-negative integer']);
  assert.deepEqual(labelProblems({ cls: 0, cx: 1.2, cy: 0.5, w: 0, h: 0.1 }).errors, ['cx 1.2 is outside [0, 1]', 'box has no area (w 0, h 0.1)']);
  const p = labelProblems({ cls: 0, cx: 0.1, cy: 0.5, w: 0.4, h: 0.1 });
  assert.deepEqual(p.errors, []);
  assert.match(p.warnings[0]!, /reaches outside the image \(x -0.1..0.3/);
  // rounding to 6 decimals at the border is not a problem
  assert.deepEqual(labelProblems({ cls: 0, cx: 0.500001, cy: 0.5, w: 1, h: 1 }).warnings, []);
});
