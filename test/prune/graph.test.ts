// The dependency graph of yolov5s, read from its spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModelYaml, specFromYaml } from '../../src/model/yaml.js';
import { buildGraph } from '../../src/prune/graph.js';
import { channelsAfter, consumerRemovals, slotOffsets } from '../../src/prune/groups.js';
import { paramCount, specWithChannels } from '../../src/prune/resize.js';
import { gflops } from '../../src/model/summary.js';

const spec = specFromYaml(loadModelYaml('yolov5s.yaml'), { nc: 1 });
const graph = buildGraph(spec);
const consumers = (conv: string) => graph.groupOf(conv).consumers.map((c) => `${c.conv}@${c.slot}`);

test('a residual C3 couples cv1 with every bottleneck cv2; a non-residual one does not', () => {
  assert.deepEqual(graph.groupOf('model.6.cv1').members, ['model.6.cv1', 'model.6.m.0.cv2', 'model.6.m.1.cv2', 'model.6.m.2.cv2']);
  assert.equal(graph.groupOf('model.6.m.1.cv2'), graph.groupOf('model.6.cv1'));
  assert.deepEqual(consumers('model.6.cv1'), ['model.6.m.0.cv1@0', 'model.6.m.1.cv1@0', 'model.6.m.2.cv1@0', 'model.6.cv3@0']);
  // the head's C3s have shortcut=False
  assert.deepEqual(graph.groupOf('model.13.cv1').members, ['model.13.cv1']);
  assert.deepEqual(consumers('model.13.cv1'), ['model.13.m.0.cv1@0']);
  assert.deepEqual(consumers('model.13.m.0.cv2'), ['model.13.cv3@0']);
  assert.deepEqual(consumers('model.13.cv2'), ['model.13.cv3@1']);
});

test('SPPF: cv2 reads cv1 four times; concats and upsampling map ranges across their inputs', () => {
  assert.deepEqual(consumers('model.9.cv1'), ['model.9.cv2@0', 'model.9.cv2@1', 'model.9.cv2@2', 'model.9.cv2@3']);
  assert.deepEqual(consumers('model.6.cv3'), ['model.7@0', 'model.13.cv1@1', 'model.13.cv2@1']);
  assert.deepEqual(consumers('model.10'), ['model.13.cv1@0', 'model.13.cv2@0', 'model.23.cv1@1', 'model.23.cv2@1']);
  assert.deepEqual(consumers('model.17.cv3'), ['model.18@0', 'model.24.m.0@0']);
  assert.deepEqual(consumers('model.23.cv3'), ['model.24.m.2@0']);
  const ch = graph.initialChannels();
  assert.deepEqual(slotOffsets(graph, 'model.13.cv1', ch), [0, 256]);
  assert.deepEqual(slotOffsets(graph, 'model.9.cv2', ch), [0, 256, 512, 768]);
  const r = consumerRemovals(graph, graph.groupOf('model.9.cv1'), [1, 5], ch);
  assert.deepEqual(r.get('model.9.cv2'), [1, 5, 257, 261, 513, 517, 769, 773]);
});

test('the image and Detect outputs are no groups; every Conv module produces one', () => {
  assert.equal(graph.nodes.get('model.0')!.input[0], -1);
  assert.equal(graph.nodes.get('model.24.m.1')!.output, null);
  assert.throws(() => graph.groupOf('model.24.m.1'), /not a prunable/);
  const convModules = [...graph.nodes.values()].filter((n) => n.kind === 'Conv').length;
  const coupled = graph.groups.reduce((s, g) => s + g.members.length - 1, 0);
  assert.equal(graph.groups.length, convModules - coupled);
  assert.ok(graph.groups.every((g) => g.prunable));
});

test('channel arithmetic: spec rebuilt from counts, parameters counted without building', () => {
  const ch = graph.initialChannels();
  assert.equal(paramCount(specWithChannels(spec, ch)), 7022326);
  assert.equal(gflops(specWithChannels(spec, ch)).toFixed(1), '15.8');
  const after = channelsAfter(graph, ch, new Map([[graph.groupOf('model.9.cv1').id, 10]]));
  assert.deepEqual(after.get('model.9.cv1'), { c1: 512, c2: 246 });
  assert.deepEqual(after.get('model.9.cv2'), { c1: 1024 - 40, c2: 512 });
  assert.equal(specWithChannels(spec, after).yaml, undefined);
});
