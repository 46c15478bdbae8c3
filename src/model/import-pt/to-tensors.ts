// From an imported state dict (plain typed arrays) to libtorch Tensors.
import type { Tensor } from '../../torch/tensor.js';
import { tensor } from '../../torch/creation.js';
import { isFloating } from '../../torch/dtype.js';
import type { PtTensor } from './torch-archive.js';

/**
 * CPU Tensors of a state dict: floating tensors converted to float32 (fp16 → fp32 is exact),
 * integer and bool tensors kept as they are. The caller owns the tensors.
 */
export function stateDictToTensors(stateDict: ReadonlyMap<string, PtTensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  try {
    for (const [name, t] of stateDict) {
      const raw = tensor(t.data, { shape: t.shape, dtype: t.dtype });
      if (!isFloating(t.dtype) || t.dtype === 'float32') {
        out.set(name, raw);
        continue;
      }
      try {
        out.set(name, raw.to('float32'));
      } finally {
        raw.dispose();
      }
    }
  } catch (e) {
    for (const t of out.values()) t.dispose();
    throw e;
  }
  return out;
}
