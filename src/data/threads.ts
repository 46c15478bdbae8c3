// The thread budget shared by the data pipeline and libtorch. Measured on 2 cores (bench:data): a
// libtorch step with 2 OpenMP threads runs ~10x slower while one more thread is busy (its threads
// spin-wait for each other), so the cores are split, never shared: each loader worker keeps at most
// one core busy (one sample and one decode at a time, libvips at 1 thread), libtorch gets the rest.
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
 * 2 cores: 1 worker + 1 libtorch thread (measured). More cores: about a quarter for the pipeline
 * (at most 8 workers, as YOLOv5 caps its workers), the rest for libtorch; an estimate, not measured.
 * One core: the samples are made on the main thread between steps (workers 0).
 */
export function threadBudget(cores = processCores()): ThreadBudget {
  if (cores <= 1) return { workers: 0, torchThreads: 1, sharpConcurrency: 1 };
  const workers = cores <= 3 ? 1 : Math.min(8, Math.max(1, Math.round(cores / 4)));
  return { workers, torchThreads: cores - workers, sharpConcurrency: 1 };
}
