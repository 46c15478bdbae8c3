// `yolotrim info`: the runtime (libtorch version, threads, devices) and a tensor smoke test.
import type { Command } from 'commander';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the libtorch runtime and run a tensor smoke test')
    .action(async () => {
      const T = await import('../../torch/index.js');
      const info = T.runtimeInfo();
      const sum = T.scope(() => {
        const x = T.arange(0, 12, 1, { dtype: 'float32' }).reshape(3, 4);
        return x.matmul(x.transpose(0, 1)).sum().item();
      });
      console.log(`libtorch ${info.libtorch}, ${info.threads} threads, CUDA devices: ${info.cudaDevices}`);
      console.log(`tensor smoke test: sum(X Xᵀ) for X = arange(12).view(3, 4) = ${sum} (expected 1134): ${sum === 1134 ? 'ok' : 'WRONG'}`);
      if (sum !== 1134) throw new Error('tensor smoke test failed');
    });
}
