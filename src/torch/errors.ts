// TorchError: every failure of a native op, with the op name and the inputs' shapes and dtypes.
export interface TensorDescription {
  shape: readonly number[];
  dtype: string;
}

export class TorchError extends Error {
  override name = 'TorchError';
  constructor(
    readonly op: string,
    readonly inputs: readonly TensorDescription[],
    readonly nativeMessage: string,
  ) {
    const shapes = inputs.map((t) => `[${t.shape.join(', ')}] ${t.dtype}`).join(', ');
    super(`${op}: ${firstLines(nativeMessage)}${inputs.length ? ` (inputs: ${shapes})` : ''}`);
  }
}

function firstLines(msg: string): string {
  // libtorch messages can carry a long C++ context; keep the part a user can act on.
  const lines = msg.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(0, 3).join(' ') || 'failed';
}
