// --device: YOLOv5 accepts '', 'cpu', '0', '0,1', 'cuda:0'. yolotrim runs on the CPU today; a CUDA
// request is refused with the reason instead of silently running on the CPU.
import { UsageError, UserError } from './errors.js';

export async function checkDevice(device: string | undefined): Promise<'cpu'> {
  const d = (device ?? '').trim().toLowerCase();
  if (d === '' || d === 'cpu') return 'cpu';
  if (!/^(cuda:)?\d+(,\d+)*$/.test(d) && d !== 'cuda') throw new UsageError(`--device '${device}': expected cpu, 0, 0,1 or cuda:0`);
  const { cudaDeviceCount } = await import('../torch/index.js');
  const n = cudaDeviceCount();
  if (n === 0) {
    throw new UserError(`--device ${device}: this libtorch has no CUDA devices (it is a CPU build, or no GPU is visible). ` +
      'Use --device cpu, or rebuild against a CUDA LibTorch: LIBTORCH=/path/to/libtorch-cuda npm run build:native');
  }
  throw new UserError(`--device ${device}: CUDA is visible (${n} device(s)) but yolotrim's model code runs on the CPU in this version; use --device cpu`);
}
