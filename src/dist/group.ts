// A process group over PyTorch's c10d: the TCP store rank 0 serves for the rendezvous, and a
// Gloo group for the collectives. Every call blocks until the collective is done everywhere; a
// peer that died or stopped answering turns into a DistError saying which rank noticed what.
import { native as N } from '../torch/native.js';
import { Tensor, wrap } from '../torch/tensor.js';
import { isLoopback, type Member } from './launch-config.js';

export class DistError extends Error {
  override name = 'DistError';
}

export type ReduceOp = 'sum' | 'max' | 'min' | 'product';

export interface GroupOptions {
  /** collective and rendezvous timeout, seconds */
  timeoutS: number;
}

export class ProcessGroup {
  private alive = true;

  private constructor(readonly rank: number, readonly size: number, private readonly store: number, private readonly id: number, readonly timeoutS: number) {}

  /** Meets the other members (rank 0 serves the store unless a launcher's agent does) and connects to each. */
  static connect(m: Member, o: GroupOptions): ProcessGroup {
    const timeoutMs = Math.round(o.timeoutS * 1000);
    const where = `${m.masterAddr}:${m.masterPort}`;
    const store = N.distTcpStore(m.masterAddr, m.masterPort, m.worldSize, m.rank === 0 && !m.agentStore, timeoutMs, m.storePrefix) as number | undefined;
    if (store === undefined) {
      throw new DistError(`rank ${m.rank}/${m.worldSize}: cannot ${m.rank === 0 && !m.agentStore ? 'serve' : 'reach'} the rendezvous at ${where}: ` +
        `${firstLine(N.lastError() as string)} (every rank must start within ${o.timeoutS} s; check MASTER_ADDR/MASTER_PORT and that the port is free)`);
    }
    const id = N.distGroupGloo(store, m.rank, m.worldSize, timeoutMs, isLoopback(m.masterAddr) ? '127.0.0.1' : '') as number | undefined;
    if (id === undefined) {
      N.distStoreFree(store);
      throw new DistError(`rank ${m.rank}/${m.worldSize}: cannot connect to the other ranks through ${where}: ${firstLine(N.lastError() as string)}`);
    }
    return new ProcessGroup(m.rank, m.worldSize, store, id, o.timeoutS);
  }

  get isMain(): boolean {
    return this.rank === 0;
  }

  /** In place on every rank: the elementwise reduction of every rank's tensor (contiguous tensors). */
  allReduce(tensors: readonly Tensor[], op: ReduceOp = 'sum', what = 'all-reduce'): void {
    this.ok(what, N.distAllReduce(this.gid, tensors.map((t) => t.handle), op));
  }

  /** In place: root's values everywhere. */
  broadcast(tensors: readonly Tensor[], root = 0, what = 'broadcast'): void {
    this.ok(what, N.distBroadcast(this.gid, tensors.map((t) => t.handle), root));
  }

  /** [size, ...t.shape]: every rank's t in rank order (no gradient). */
  allGather(t: Tensor, what = 'all-gather'): Tensor {
    return this.tensorOp(what, N.distAllGather(this.gid, t.handle), t);
  }

  /**
   * allGather that autograd differentiates: the gradient reaching rank r's t sums what every rank's
   * loss sends to slot r (SyncBatchNorm's statistics). Every rank must run the same backward.
   */
  gatherWithGrad(t: Tensor): Tensor {
    return this.tensorOp('all-gather (with gradient)', N.distAllGatherAutograd(this.gid, t.handle), t);
  }

  barrier(what = 'barrier'): void {
    this.ok(what, N.distBarrier(this.gid));
  }

  /** The store: a string every rank can read (get waits until some rank sets it). */
  set(key: string, value: string): void {
    this.ok(`store set '${key}'`, N.distStoreSet(this.store, key, value));
  }

  get(key: string): string {
    const v = N.distStoreGet(this.store, key) as string | undefined;
    if (v === undefined) throw this.error(`store get '${key}'`);
    return v;
  }

  /** Closes the connections (after the last collective; a group that failed is left to process exit). */
  destroy(): void {
    if (!this.alive) return;
    this.alive = false;
    N.distGroupFree(this.id);
    N.distStoreFree(this.store);
  }

  private get gid(): number {
    if (!this.alive) throw new DistError(`rank ${this.rank}/${this.size}: the process group was destroyed`);
    return this.id;
  }

  private tensorOp(what: string, h: number, input: Tensor): Tensor {
    if (h < 0) throw this.error(what, input);
    return wrap(what, h, [input]);
  }

  private ok(what: string, done: boolean): void {
    if (!done) throw this.error(what);
  }

  private error(what: string, input?: Tensor): DistError {
    const msg = firstLine(N.lastError() as string);
    const shape = input ? ` of [${input.shape.join(', ')}] ${input.dtype}` : '';
    const peer = /closed|reset|refused|broken pipe|timed out|timeout|connect/i.test(msg)
      ? ` — another rank exited or crashed (see its output), or did not reach this point within the ${this.timeoutS} s timeout (--dist-timeout, YOLOTRIM_DIST_TIMEOUT)`
      : '';
    return new DistError(`rank ${this.rank}/${this.size}: ${what}${shape} failed: ${msg}${peer}`);
  }
}

function firstLine(msg: string): string {
  // Gloo prefixes its messages with the source location ("[.../pair.cc:598] Connection closed by peer").
  const line = msg.split('\n').map((l) => l.trim()).find(Boolean) ?? 'failed';
  return line.replace(/^\[[^\]]*\.(cc|cpp|h|hpp):\d+\]\s*/, '');
}
