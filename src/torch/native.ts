// Loads the libtorch addon built from native/. Everything tensor-related goes through `native`.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The addon's functions take and return plain numbers, strings and arrays (tensor handles are
// integers); the typed API in tensor.ts is the only caller.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NativeFn = (...args: any[]) => any;
export type NativeBinding = Record<string, NativeFn>;

export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const addonPath = path.join(packageRoot, 'build', 'Release', 'yolotrim_native.node');

export class NativeLoadError extends Error {
  override name = 'NativeLoadError';
}

function load(): NativeBinding {
  if (!existsSync(addonPath)) {
    throw new NativeLoadError([
      `yolotrim's native addon is not built (expected ${addonPath}).`,
      'Build it (it needs libtorch and a C++ compiler) with:',
      `  cd ${packageRoot} && npm run build:native`,
      'On Debian/Ubuntu as root, a missing libtorch is installed with apt-get automatically;',
      'elsewhere set LIBTORCH=/path/to/libtorch first (a LibTorch download, CPU or CUDA).',
    ].join('\n'));
  }
  try {
    return createRequire(import.meta.url)(addonPath) as NativeBinding;
  } catch (e) {
    throw new NativeLoadError([
      `yolotrim's native addon failed to load: ${(e as Error).message}`,
      'This usually means the libtorch it was built against moved or was removed. Rebuild with:',
      `  cd ${packageRoot} && npm run build:native`,
    ].join('\n'));
  }
}

export const native: NativeBinding = load();

function defaultThreads(): number {
  const fromEnv = Number(process.env.YOLOTRIM_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : os.availableParallelism();
}

// libtorch starts with one intra-op thread on some builds: use the cores we have.
native.setNumThreads(defaultThreads());
