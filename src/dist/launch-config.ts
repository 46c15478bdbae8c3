// Who this process is in a data-parallel run, from torchrun's flags or from the environment
// torchrun (or any cluster launcher) sets for its workers. Pure: tested without processes.
//
//   single  — an ordinary one-process run;
//   launch  — `--nproc-per-node N [--nnodes M --node-rank R --master-addr A --master-port P]`:
//             this process starts N members of the group on this machine and waits for them;
//   member  — RANK and WORLD_SIZE are set (by our launcher, torchrun, a Slurm script...): this
//             process is one rank of the group, meeting the others at MASTER_ADDR:MASTER_PORT.

export interface LaunchFlags {
  nprocPerNode?: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
}

export interface LaunchPlan {
  kind: 'launch';
  nprocPerNode: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  /** null: one machine and no port given, so the launcher picks a free one (torchrun --standalone) */
  masterPort: number | null;
}

export interface Member {
  rank: number;
  worldSize: number;
  localRank: number;
  localWorldSize: number;
  masterAddr: string;
  masterPort: number;
  /** torchrun's agent already serves the store at MASTER_ADDR:MASTER_PORT: every rank is a client */
  agentStore: boolean;
  /** store key prefix: a restarted torchrun attempt must not read the keys of the one before */
  storePrefix: string;
}

export type Plan = { kind: 'single' } | LaunchPlan | { kind: 'member'; member: Member };

export class LaunchConfigError extends Error {
  override name = 'LaunchConfigError';
}

/** torchrun's default rendezvous port. */
export const DEFAULT_MASTER_PORT = 29500;
/** torch.distributed's default collective timeout: 30 minutes. */
export const DEFAULT_TIMEOUT_S = 1800;

function envInt(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new LaunchConfigError(`environment ${name}=${raw}: expected an integer >= ${min}`);
  return v;
}

function checkPort(port: number, where: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LaunchConfigError(`${where}: ${port} is not a TCP port (1-65535)`);
  return port;
}

function memberFromEnv(env: NodeJS.ProcessEnv): Member | null {
  const worldSize = envInt(env, 'WORLD_SIZE', 1);
  const rank = envInt(env, 'RANK', 0);
  if (worldSize === undefined && rank === undefined) return null;
  if (worldSize === undefined || rank === undefined) throw new LaunchConfigError('RANK and WORLD_SIZE must be set together (as torchrun sets them)');
  if (rank >= worldSize) throw new LaunchConfigError(`RANK=${rank} is not below WORLD_SIZE=${worldSize}`);
  const masterAddr = env.MASTER_ADDR;
  const port = envInt(env, 'MASTER_PORT', 1);
  if (worldSize > 1 && (!masterAddr || port === undefined)) {
    throw new LaunchConfigError(`RANK=${rank} WORLD_SIZE=${worldSize} need MASTER_ADDR and MASTER_PORT: where rank 0 serves the rendezvous`);
  }
  const localWorldSize = envInt(env, 'LOCAL_WORLD_SIZE', 1) ?? 1;
  return {
    rank,
    worldSize,
    localRank: envInt(env, 'LOCAL_RANK', 0) ?? 0,
    localWorldSize,
    masterAddr: masterAddr ?? '127.0.0.1',
    masterPort: checkPort(port ?? DEFAULT_MASTER_PORT, 'MASTER_PORT'),
    agentStore: env.TORCHELASTIC_USE_AGENT_STORE === 'True',
    storePrefix: `yolotrim/${env.TORCHELASTIC_RESTART_COUNT ?? '0'}/`,
  };
}

/** The plan for this process: the environment of a launched member wins over the flags. */
export function planLaunch(flags: LaunchFlags, env: NodeJS.ProcessEnv = process.env): Plan {
  const member = memberFromEnv(env);
  if (member) return member.worldSize > 1 ? { kind: 'member', member } : { kind: 'single' };
  const nprocPerNode = flags.nprocPerNode ?? 1;
  const nnodes = flags.nnodes ?? 1;
  const nodeRank = flags.nodeRank ?? 0;
  for (const [flag, v, min] of [['--nproc-per-node', nprocPerNode, 1], ['--nnodes', nnodes, 1], ['--node-rank', nodeRank, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new LaunchConfigError(`${flag} expects an integer >= ${min}, got ${v}`);
  }
  if (nodeRank >= nnodes) throw new LaunchConfigError(`--node-rank ${nodeRank} must be below --nnodes ${nnodes}`);
  if (nprocPerNode * nnodes === 1) return { kind: 'single' };
  if (nnodes > 1 && !flags.masterAddr) {
    throw new LaunchConfigError('--nnodes > 1 needs --master-addr: the address of the machine with --node-rank 0, reachable from every machine');
  }
  const masterPort = flags.masterPort !== undefined ? checkPort(flags.masterPort, '--master-port') : nnodes > 1 ? DEFAULT_MASTER_PORT : null;
  return { kind: 'launch', nprocPerNode, nnodes, nodeRank, masterAddr: flags.masterAddr ?? '127.0.0.1', masterPort };
}

/** YOLOv5's rule: --batch-size is the total over the group, split evenly; each process's share. */
export function perProcessBatch(batchSize: number, world: number): number {
  if (batchSize % world) throw new LaunchConfigError(`--batch-size ${batchSize} must be a multiple of the number of processes (${world})`);
  return batchSize / world;
}

/** The environment of local member `localRank`, as torchrun sets it. */
export function memberEnv(plan: LaunchPlan, localRank: number, masterPort: number): Record<string, string> {
  const worldSize = plan.nprocPerNode * plan.nnodes;
  return {
    RANK: String(plan.nodeRank * plan.nprocPerNode + localRank),
    WORLD_SIZE: String(worldSize),
    LOCAL_RANK: String(localRank),
    LOCAL_WORLD_SIZE: String(plan.nprocPerNode),
    GROUP_RANK: String(plan.nodeRank),
    MASTER_ADDR: plan.masterAddr,
    MASTER_PORT: String(masterPort),
  };
}

/** The collective and rendezvous timeout: --dist-timeout, else YOLOTRIM_DIST_TIMEOUT (seconds), else 30 min. */
export function timeoutSeconds(flag: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) {
    if (!(flag > 0)) throw new LaunchConfigError(`--dist-timeout expects seconds > 0, got ${flag}`);
    return flag;
  }
  const raw = env.YOLOTRIM_DIST_TIMEOUT;
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_S;
  const v = Number(raw);
  if (!(v > 0)) throw new LaunchConfigError(`YOLOTRIM_DIST_TIMEOUT=${raw}: expected seconds > 0`);
  return v;
}

/** A loopback master means one machine: Gloo then binds to the loopback too. */
export function isLoopback(addr: string): boolean {
  return addr === 'localhost' || addr === '::1' || /^127\./.test(addr);
}
