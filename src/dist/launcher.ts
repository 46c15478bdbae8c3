// The local launcher of `--nproc-per-node N` (torchrun's job on one machine): starts N members of the
// group, each the same command with RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and
// MASTER_PORT set; forwards SIGINT/SIGTERM/SIGHUP to them; and when one fails, stops the others and
// fails too, so a crashed rank never leaves the rest waiting on a collective.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { memberEnv, type LaunchPlan } from './launch-config.js';

export interface LaunchOptions {
  /** the program and arguments of every member (this CLI, with the same arguments) */
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** after a member failed, how long the others have to exit on SIGTERM before SIGKILL */
  graceMs?: number;
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A TCP port nothing listens on right now (torchrun --standalone's choice of rendezvous port). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  rank: number;
  child: ChildProcess;
  done: boolean;
}

/** Runs the members of this node until all exit; resolves to 0, or the exit code of the first that failed. */
export async function launch(plan: LaunchPlan, o: LaunchOptions): Promise<number> {
  const log = o.log ?? ((s: string) => console.error(s));
  const port = plan.masterPort ?? await freePort();
  const world = plan.nprocPerNode * plan.nnodes;
  const first = plan.nodeRank * plan.nprocPerNode;
  log(`yolotrim: starting ranks ${first}..${first + plan.nprocPerNode - 1} of ${world} on this machine; rendezvous at ${plan.masterAddr}:${port}`);
  const members: Running[] = [];
  let failure: { rank: number; code: number } | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  const signal = (sig: NodeJS.Signals) => {
    for (const m of members) if (!m.done) m.child.kill(sig);
  };
  const forward = FORWARDED.map((sig) => [sig, () => signal(sig)] as const);
  for (const [sig, fn] of forward) process.on(sig, fn);
  const killAll = () => signal('SIGKILL');
  process.on('exit', killAll);
  try {
    await new Promise<void>((resolve) => {
      let left = plan.nprocPerNode;
      for (let local = 0; local < plan.nprocPerNode; local++) {
        // Own process group (detached): a terminal's Ctrl-C reaches the launcher only, which forwards it once.
        const child = spawn(o.command, [...o.args], {
          stdio: 'inherit',
          detached: true,
          env: { ...process.env, ...o.env, ...memberEnv(plan, local, port), YOLOTRIM_LAUNCHER_PID: String(process.pid) },
        });
        const m: Running = { rank: first + local, child, done: false };
        members.push(m);
        const finished = (code: number | null, sig: NodeJS.Signals | null) => {
          if (m.done) return;
          m.done = true;
          const failed = code !== 0;
          if (failed && !failure) {
            failure = { rank: m.rank, code: code && code > 0 ? code : 1 };
            const others = members.filter((x) => !x.done).length;
            log(`yolotrim: rank ${m.rank} (pid ${child.pid}) ${sig ? `was killed by ${sig}` : `exited with code ${code}`}` +
              `${others ? `; stopping the other ${others} rank(s)` : ''}`);
            signal('SIGTERM');
            killTimer = setTimeout(killAll, o.graceMs ?? 10_000);
            killTimer.unref();
          }
          if (--left === 0) resolve();
        };
        child.once('exit', finished);
        child.once('error', (e) => {
          log(`yolotrim: cannot start rank ${m.rank}: ${e.message}`);
          finished(1, null);
        });
      }
    });
  } finally {
    for (const [sig, fn] of forward) process.removeListener(sig, fn);
    process.removeListener('exit', killAll);
    if (killTimer) clearTimeout(killTimer);
  }
  const failed = failure as { rank: number; code: number } | null;
  return failed ? failed.code : 0;
}

/**
 * In a member started by `launch`: exit when the launcher is gone (killed with SIGKILL, say), rather
 * than train on alone. Checked every 2 s between steps; never keeps the process alive.
 */
export function exitWithLauncher(env: NodeJS.ProcessEnv = process.env): void {
  const launcher = Number(env.YOLOTRIM_LAUNCHER_PID);
  if (!Number.isInteger(launcher) || launcher <= 0 || process.ppid !== launcher) return;
  setInterval(() => {
    if (process.ppid !== launcher) {
      process.stderr.write(`yolotrim: rank ${env.RANK ?? '?'}: the launcher (pid ${launcher}) is gone; exiting\n`);
      process.exit(1);
    }
  }, 2000).unref();
}
