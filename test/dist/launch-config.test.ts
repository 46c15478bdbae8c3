// The pure parts of data parallel: torchrun's flags and environment, DistributedSampler's split,
// gradient buckets, the per-process core share, and the flags of `train`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { planLaunch, memberEnv, timeoutSeconds, isLoopback, DEFAULT_TIMEOUT_S, type LaunchPlan } from '../../src/dist/launch-config.js';
import { shardPositions } from '../../src/data/loader.js';
import { bucketize } from '../../src/dist/grad-sync.js';
import { processCores } from '../../src/data/threads.js';
import { addTrainFlags, trainOptionsFromFlags, type TrainFlags } from '../../src/cli/commands/train.js';

test('flags: one process, a local launch with a free port, several machines with torchrun\'s defaults', () => {
  assert.deepEqual(planLaunch({}, {}), { kind: 'single' });
  assert.deepEqual(planLaunch({ nprocPerNode: 1 }, {}), { kind: 'single' });
  assert.deepEqual(planLaunch({ nprocPerNode: 2 }, {}), { kind: 'launch', nprocPerNode: 2, nnodes: 1, nodeRank: 0, masterAddr: '127.0.0.1', masterPort: null });
  assert.deepEqual(planLaunch({ nprocPerNode: 4, nnodes: 2, nodeRank: 1, masterAddr: '10.0.0.1' }, {}),
    { kind: 'launch', nprocPerNode: 4, nnodes: 2, nodeRank: 1, masterAddr: '10.0.0.1', masterPort: 29500 });
  assert.throws(() => planLaunch({ nprocPerNode: 2, nnodes: 2 }, {}), /--nnodes > 1 needs --master-addr/);
  assert.throws(() => planLaunch({ nprocPerNode: 2, nnodes: 2, nodeRank: 2, masterAddr: 'a' }, {}), /--node-rank 2 must be below --nnodes 2/);
  assert.throws(() => planLaunch({ nprocPerNode: 2, masterPort: 70000 }, {}), /not a TCP port/);
});

test('environment (torchrun, a cluster script, our launcher) wins over the flags', () => {
  const env = { RANK: '3', WORLD_SIZE: '4', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2', MASTER_ADDR: 'node0', MASTER_PORT: '1234' };
  assert.deepEqual(planLaunch({ nprocPerNode: 8 }, env), {
    kind: 'member',
    member: { rank: 3, worldSize: 4, localRank: 1, localWorldSize: 2, masterAddr: 'node0', masterPort: 1234, agentStore: false, storePrefix: 'yolotrim/0/' },
  });
  const agent = planLaunch({}, { ...env, TORCHELASTIC_USE_AGENT_STORE: 'True', TORCHELASTIC_RESTART_COUNT: '2' });
  assert.ok(agent.kind === 'member' && agent.member.agentStore && agent.member.storePrefix === 'yolotrim/2/');
  assert.deepEqual(planLaunch({}, { RANK: '0', WORLD_SIZE: '1' }), { kind: 'single' });
  assert.throws(() => planLaunch({}, { RANK: '0' }), /RANK and WORLD_SIZE must be set together/);
  assert.throws(() => planLaunch({}, { RANK: '2', WORLD_SIZE: '2', MASTER_ADDR: 'a', MASTER_PORT: '1' }), /RANK=2 is not below WORLD_SIZE=2/);
  assert.throws(() => planLaunch({}, { RANK: '1', WORLD_SIZE: '2' }), /need MASTER_ADDR and MASTER_PORT/);
  assert.throws(() => planLaunch({}, { RANK: 'x', WORLD_SIZE: '2' }), /RANK=x: expected an integer/);
});

test('the launcher gives each member torchrun\'s variables; ranks follow the node rank', () => {
  const plan: LaunchPlan = { kind: 'launch', nprocPerNode: 2, nnodes: 3, nodeRank: 2, masterAddr: '10.0.0.1', masterPort: 29500 };
  assert.deepEqual(memberEnv(plan, 1, 29500), {
    RANK: '5', WORLD_SIZE: '6', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2', GROUP_RANK: '2', MASTER_ADDR: '10.0.0.1', MASTER_PORT: '29500',
  });
  const member = planLaunch({}, memberEnv(plan, 1, 29500));
  assert.ok(member.kind === 'member' && member.member.rank === 5 && member.member.worldSize === 6);
});

test('timeouts: flag, then YOLOTRIM_DIST_TIMEOUT, then 30 minutes', () => {
  assert.equal(timeoutSeconds(undefined, {}), DEFAULT_TIMEOUT_S);
  assert.equal(timeoutSeconds(undefined, { YOLOTRIM_DIST_TIMEOUT: '12.5' }), 12.5);
  assert.equal(timeoutSeconds(60, { YOLOTRIM_DIST_TIMEOUT: '12.5' }), 60);
  assert.throws(() => timeoutSeconds(undefined, { YOLOTRIM_DIST_TIMEOUT: 'soon' }), /expected seconds > 0/);
  assert.ok(isLoopback('127.0.0.1') && isLoopback('localhost') && !isLoopback('10.0.0.1'));
});

test('DistributedSampler split: disjoint, covering, padded by wrapping, equal counts per rank', () => {
  assert.deepEqual(shardPositions(8, 0, 2), [0, 2, 4, 6]);
  assert.deepEqual(shardPositions(8, 1, 2), [1, 3, 5, 7]);
  const n = 10, world = 4;
  const all = Array.from({ length: world }, (_, r) => shardPositions(n, r, world));
  assert.ok(all.every((s) => s.length === 3));
  assert.deepEqual(all.flat().sort((a, b) => a - b), Array.from({ length: 12 }, (_, p) => p), 'positions 10 and 11 repeat samples 0 and 1');
});

test('gradient buckets: consecutive, one dtype each, capped in bytes', () => {
  const g = (numel: number, dtype = 'float32') => ({ numel, dtype });
  assert.deepEqual(bucketize([g(10), g(10), g(10)], 80), [[0, 1], [2]]);
  assert.deepEqual(bucketize([g(100), g(1)], 80), [[0], [1]], 'a gradient larger than the cap gets a bucket alone');
  assert.deepEqual(bucketize([g(1), g(1, 'float64'), g(1, 'float64')], 1000), [[0], [1, 2]]);
});

test('each of the processes on a machine gets an equal share of its cores', () => {
  assert.equal(processCores({}, 8), 8);
  assert.equal(processCores({ LOCAL_WORLD_SIZE: '2' }, 8), 4);
  assert.equal(processCores({ LOCAL_WORLD_SIZE: '4' }, 2), 1);
});

test('train flags: torchrun\'s launch flags, --dist-timeout and --sync-bn', () => {
  const cmd = addTrainFlags(new Command('train').exitOverride());
  cmd.parse(['--cfg', 'yolov5n.yaml', '--data', 'd.yaml', '--nproc-per-node', '2', '--master-port', '29600', '--dist-timeout', '30', '--sync-bn'], { from: 'user' });
  const f = cmd.opts() as TrainFlags;
  assert.equal(f.nprocPerNode, 2);
  assert.equal(f.masterPort, 29600);
  assert.equal(f.distTimeout, 30);
  assert.equal(trainOptionsFromFlags({ ...f, freeze: [0] }).syncBn, true);
  assert.throws(() => addTrainFlags(new Command('train').exitOverride()).parse(['--nproc-per-node', '0'], { from: 'user' }), /--nproc-per-node expects an integer >= 1/);
});
