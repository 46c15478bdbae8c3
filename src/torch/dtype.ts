// Element types and devices, and their codes shared with the addon (registry.cc kDtypes).
export const DTYPES = ['float32', 'float16', 'int64', 'int32', 'uint8', 'bool', 'float64', 'bfloat16'] as const;
export type DType = (typeof DTYPES)[number];
export type Device = 'cpu' | `cuda:${number}` | 'cuda';

export type TypedArrayOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int64'
      ? BigInt64Array
      : D extends 'int32'
        ? Int32Array
        : D extends 'float16' | 'bfloat16'
          ? Uint16Array
          : Uint8Array;

export type AnyTypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint16Array | Uint8Array;

export function dtypeCode(d: DType): number {
  const code = DTYPES.indexOf(d);
  if (code < 0) throw new TypeError(`unknown dtype '${d as string}' (one of ${DTYPES.join(', ')})`);
  return code;
}

export function isFloating(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';
}

export function bytesPerElement(d: DType): number {
  return { float32: 4, float16: 2, int64: 8, int32: 4, uint8: 1, bool: 1, float64: 8, bfloat16: 2 }[d];
}

export function viewAs(d: DType, buf: ArrayBuffer): AnyTypedArray {
  switch (d) {
    case 'float32': return new Float32Array(buf);
    case 'float64': return new Float64Array(buf);
    case 'int64': return new BigInt64Array(buf);
    case 'int32': return new Int32Array(buf);
    case 'float16':
    case 'bfloat16': return new Uint16Array(buf);
    default: return new Uint8Array(buf);
  }
}

export function dtypeOfArray(a: AnyTypedArray | ArrayLike<number>): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Uint16Array) throw new TypeError('a Uint16Array is ambiguous (float16 or bfloat16): pass { dtype }');
  return 'float32';
}

export function checkDevice(d: string): Device {
  if (d === 'cpu' || d === 'cuda' || /^cuda:\d+$/.test(d)) return d as Device;
  throw new TypeError(`unknown device '${d}' (cpu, cuda or cuda:N)`);
}
