// Data-parallel flags shared by `train` and `distill` (torchrun's names and meaning), and the one
// function that runs a command as a single process, as the launcher of this machine's ranks, or as
// one rank (RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT set by our launcher, torchrun or a cluster script).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parseFloatArg, parseIntArg } from './args.js';
import { UsageError, UserError } from './errors.js';
import { LaunchConfigError, perProcessBatch, planLaunch, timeoutSeconds } from '../dist/launch-config.js';
import type { ProcessGroup } from '../dist/group.js';

export interface DistFlags {
  nprocPerNode?: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
  distTimeout?: number;
  syncBn?: boolean;
}

export function addDistFlags(cmd: Command): Command {
  return cmd
    .option('--nproc-per-node <n>', 'data parallel: processes on this machine (torchrun\'s flag; each gets batch-size / world size images)', parseIntArg('--nproc-per-node', 1))
    .option('--nnodes <n>', 'data parallel: machines (run the same command on each, with its --node-rank)', parseIntArg('--nnodes', 1))
    .option('--node-rank <r>', 'data parallel: this machine\'s index, 0..nnodes-1', parseIntArg('--node-rank', 0))
    .option('--master-addr <host>', 'data parallel: address of the --node-rank 0 machine (default 127.0.0.1)')
    .option('--master-port <port>', 'data parallel: its rendezvous port (default: a free port on one machine, 29500 on several)', parseIntArg('--master-port', 1, 65535))
    .option('--dist-timeout <s>', 'data parallel: seconds a rank waits for the others before failing (default 1800, or YOLOTRIM_DIST_TIMEOUT)', parseFloatArg('--dist-timeout', 1e-3))
    .option('--sync-bn', 'data parallel: SyncBatchNorm, BatchNorm statistics over the whole batch of all ranks');
}

/** A bad flag or environment is a usage error (exit 2). */
function usage<R>(fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LaunchConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** The arguments this command line was parsed from (commander keeps them on the root command, untyped). */
export function commandLine(cmd: Command): string[] {
  let root = cmd;
  while (root.parent) root = root.parent;
  const raw = (root as unknown as { rawArgs?: unknown }).rawArgs;
  return Array.isArray(raw) && raw.every((a) => typeof a === 'string') ? raw : process.argv.slice(2);
}

const CLI_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'yolotrim.js');

/** --batch-size is the total over the group: each of the processes gets an equal share (YOLOv5's rule). */
export function checkBatchSplit(batchSize: number, world: number): void {
  usage(() => perProcessBatch(batchSize, world));
}

/**
 * Runs `body` in this process (no group), or launches this machine's ranks with the same command
 * line and waits for them, or joins the group as the rank the environment names and runs `body`
 * with it. argv: the command line after `yolotrim` (what each launched rank runs again); check:
 * refuses a world size before anything starts.
 */
export async function runDataParallel(f: DistFlags, argv: readonly string[], check: (world: number) => void, body: (group?: ProcessGroup) => Promise<void>): Promise<void> {
  const p = usage(() => planLaunch(f, process.env));
  const timeoutS = timeoutSeconds(f.distTimeout);
  if (p.kind === 'single') {
    if (f.syncBn) process.stderr.write('yolotrim: WARNING --sync-bn only applies to several processes (--nproc-per-node, or RANK/WORLD_SIZE)\n');
    return body();
  }
  check(p.kind === 'launch' ? p.nprocPerNode * p.nnodes : p.member.worldSize);
  if (p.kind === 'launch') {
    const { launch } = await import('../dist/launcher.js');
    const node = process.execArgv.filter((a) => !a.startsWith('--inspect'));
    const code = await launch(p, { command: process.execPath, args: [...node, CLI_SCRIPT, ...argv], env: { YOLOTRIM_DIST_TIMEOUT: String(timeoutS) } });
    if (code !== 0) throw new UserError(`data-parallel run failed: a rank exited with code ${code} (its message is above)`, code);
    return;
  }
  const [{ ProcessGroup }, { exitWithLauncher }] = await Promise.all([import('../dist/group.js'), import('../dist/launcher.js')]);
  exitWithLauncher();
  const group = ProcessGroup.connect(p.member, { timeoutS });
  // A failed run leaves the group to process exit: its connections may be to a dead peer.
  await body(group);
  group.destroy();
}
