// The thread budget shared by the data pipeline and libtorch. Measured on 2 cores (scratch train
// steps of yolov5n, batch 16 at 320, fruit set, 15 batches): 1 libtorch thread + 1 worker 31 s; 2
// libtorch threads + 1 worker 19-22 s with the RAM cache (the worker then works ~0.2 s per ~1.3 s step),
// 29-32 s without it (the worker decoding all the time: no slower than 1 thread). So on 2-3 cores
// libtorch gets every core and the worker shares one; each worker keeps at most one core busy (one
// sample and one decode at a time, libvips at 1 thread).
import os from 'node:os';

export interface ThreadBudget {
  /** loader worker threads */
  workers: number;
  /** libtorch intra-op threads (T.setNumThreads) */
  torchThreads: number;
  /** libvips threads per image (sharp.concurrency) */
  sharpConcurrency: number;
}

/**
 * The cores this process may use: the machine's, or an equal share of them when several training
 * processes run on it (LOCAL_WORLD_SIZE, set by `--nproc-per-node` and by torchrun).
 */
export function processCores(env: NodeJS.ProcessEnv = process.env, cores = os.availableParallelism()): number {
  const local = Number(env.LOCAL_WORLD_SIZE);
  return Number.isInteger(local) && local > 1 ? Math.max(1, Math.floor(cores / local)) : cores;
}

/**
 * 2-3 cores: 1 worker, libtorch on every core (measured, above). More cores: about a quarter for the
 * pipeline (at most 8 workers, as YOLOv5 caps its workers), the rest for libtorch; an estimate, not
 * measured. One core: the samples are made on the main thread between steps (workers 0). `workers`
 * (--workers) overrides the worker count; libtorch's share follows the same rule.
 */
export function threadBudget(cores = processCores(), workers?: number): ThreadBudget {
  const w = workers ?? (cores <= 1 ? 0 : cores <= 3 ? 1 : Math.min(8, Math.max(1, Math.round(cores / 4))));
  const torchThreads = cores <= 3 ? cores : Math.max(1, cores - w);
  return { workers: w, torchThreads, sharpConcurrency: 1 };
}
