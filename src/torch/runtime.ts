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

export class DeviceError extends Error {
  override name = 'DeviceError';
}

/**
 * --device as YOLOv5 spells it ('', 'cpu', '0', '0,1', 'cuda:0'). yolotrim's model code runs on the
 * CPU today: a CUDA request is refused with the reason instead of silently running on the CPU.
 */
export function resolveDevice(device = ''): 'cpu' {
  const d = device.trim().toLowerCase();
  if (d === '' || d === 'cpu') return 'cpu';
  if (!/^(cuda:)?\d+(,\d+)*$/.test(d) && d !== 'cuda') throw new DeviceError(`--device '${device}': expected cpu, 0, 0,1 or cuda:0`);
  const n = cudaDeviceCount();
  if (n === 0) {
    throw new DeviceError(`--device ${device}: this libtorch has no CUDA devices (a CPU build, or no GPU visible). ` +
      'Use --device cpu, or rebuild against a CUDA LibTorch: LIBTORCH=/path/to/libtorch-cuda npm run build:native');
  }
  throw new DeviceError(`--device ${device}: CUDA is visible (${n} device(s)) but yolotrim's model code runs on the CPU in this version; use --device cpu`);
}
