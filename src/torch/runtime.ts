// Process-level facts and settings of the libtorch runtime.
import { native as N } from './native.js';

export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
  N.setNumThreads(n);
}

export function getNumThreads(): number {
  return N.getNumThreads() as number;
}

/** Tensors alive in the addon's table: the leak counter used by tests. */
export function liveTensors(): number {
  return N.liveCount() as number;
}

export function cudaDeviceCount(): number {
  return N.cudaDeviceCount() as number;
}

export function runtimeInfo(): { libtorch: string; threads: number; cudaDevices: number } {
  return { libtorch: N.version() as string, threads: getNumThreads(), cudaDevices: cudaDeviceCount() };
}
