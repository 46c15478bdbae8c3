// A small ONNX graph builder: nodes in topological order, named initializers (weights and
// constants), graph inputs/outputs, and the ModelProto around them. Names follow the
// `/model.2/cv1/conv/Conv` pattern that PyTorch's exporter uses, so a graph viewer reads alike.
import { endianness } from 'node:os';
import { AttrType, DataType, encodeModel, type AttributeMsg, type DimMsg, type NodeMsg, type TensorMsg, type ValueInfoMsg } from './onnx-proto.js';

/** An attribute value: an integer (INT), integers (INTS), or a string (STRING). */
export type AttrValue = number | readonly number[] | string;

/** The largest int64, written where ONNX means "to the end" (Slice ends). */
export const INT64_MAX = 9223372036854775807n;

/** The ONNX IR version that goes with an opset of the default domain (onnx/docs/Versioning.md). */
export function irVersionFor(opset: number): number {
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

export const MIN_OPSET = 11;
export const MAX_OPSET = 22;

function attribute(name: string, v: AttrValue): AttributeMsg {
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: Buffer.from(v, 'utf8') };
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer`);
    return { name, type: AttrType.INT, i: v };
  }
  return { name, type: AttrType.INTS, ints: [...v] };
}

function bytesOf(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export interface TensorInfo {
  name: string;
  dims: readonly (number | string)[];
}

export class OnnxGraph {
  readonly nodes: NodeMsg[] = [];
  readonly initializers: TensorMsg[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();

  constructor() {
    // raw_data is little-endian by definition; typed arrays use the machine's order
    if (endianness() !== 'LE') throw new Error('ONNX export needs a little-endian machine');
  }

  /** A unique name: `base`, else `base_1`, `base_2`, ... */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** A float32 initializer (weights); returns its name. */
  floatTensor(name: string, dims: readonly number[], data: Float32Array): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(', ')}]`);
    const unique = this.uniqueName(name);
    this.initializers.push({ name: unique, dims: [...dims], data_type: DataType.FLOAT, raw_data: bytesOf(Float32Array.from(data)) });
    return unique;
  }

  /** A shared float32 constant (one initializer per distinct value and shape). */
  floatConst(values: readonly number[], dims: readonly number[] = values.length === 1 ? [] : [values.length]): string {
    const key = `f32:${dims.join('x')}:${values.join(',')}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    const name = this.floatTensor(`const_f32_${this.constants.size}`, dims, Float32Array.from(values));
    this.constants.set(key, name);
    return name;
  }

  /** A shared int64 constant (1-D unless `dims` says otherwise); bigint for values past 2^53. */
  int64Const(values: readonly (number | bigint)[], dims: readonly number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    const name = this.uniqueName(`const_i64_${this.constants.size}`);
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [...dims], data_type: DataType.INT64, raw_data: new Uint8Array(raw.buffer) });
    this.constants.set(key, name);
    return name;
  }

  /**
   * Appends a node; `scope` is its name without the op (`/model.0/conv`). Returns its output names
   * (`outputs` of them, default one).
   */
  nodeN(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, scope = '', outputs = 1, outputName?: string): string[] {
    const name = this.uniqueName(`${scope}/${op}`);
    const outs = Array.from({ length: outputs }, (_, i) => (i === 0 && outputName ? this.uniqueName(outputName) : this.uniqueName(`${name}_output_${i}`)));
    this.nodes.push({
      name,
      op_type: op,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Appends a single-output node and returns its output name. */
  node(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, scope = '', outputName?: string): string {
    return this.nodeN(op, inputs, attrs, scope, 1, outputName)[0]!;
  }

  /** Serialises the graph as a model. */
  toModel(o: ModelOptions): Uint8Array {
    const valueInfo = (t: TensorInfo): ValueInfoMsg => ({
      name: t.name,
      type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: t.dims.map((d): DimMsg => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) } } },
    });
    return encodeModel({
      ir_version: irVersionFor(o.opset),
      producer_name: o.producer,
      producer_version: o.producerVersion,
      doc_string: o.doc,
      opset_import: [{ domain: '', version: o.opset }],
      metadata_props: Object.entries(o.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: o.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: o.inputs.map(valueInfo),
        output: o.outputs.map(valueInfo),
      },
    });
  }
}

export interface ModelOptions {
  opset: number;
  producer: string;
  producerVersion: string;
  graphName: string;
  doc?: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  metadata: Record<string, string>;
}
