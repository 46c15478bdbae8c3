// The part of the ONNX protobuf schema (onnx/onnx.proto, proto2) that our writer and reader use,
// declared with protobufjs. Field numbers are the official ones; messages and fields we never
// write (sparse tensors, training info, functions, sequence/map types, ...) are left out, and
// protobufjs skips them when it reads a file that has them.
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto2";
package onnx;

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
}

message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional int32 type = 20;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}

// ModelProto's small fields only: reading it skips the graph (weights) without decoding it.
message ModelHeader {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
`;

/** TensorProto.DataType values we use. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values we use. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;

export const ModelProto = root.lookupType('onnx.ModelProto');
export const ModelHeader = root.lookupType('onnx.ModelHeader');

// Plain-object shapes of the messages, as we build them (snake_case, as in the schema).
export interface TensorMsg {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  int64_data?: number[];
  float_data?: number[];
}

export interface AttributeMsg {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorMsg;
  floats?: number[];
  ints?: number[];
}

export interface NodeMsg {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeMsg[];
  domain?: string;
}

export type DimMsg = { dim_value: number } | { dim_param: string };

export interface ValueInfoMsg {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: DimMsg[] } } };
}

export interface GraphMsg {
  name: string;
  node: NodeMsg[];
  initializer: TensorMsg[];
  input: ValueInfoMsg[];
  output: ValueInfoMsg[];
  doc_string?: string;
}

export interface ModelMsg {
  ir_version: number;
  producer_name: string;
  producer_version: string;
  doc_string?: string;
  graph: GraphMsg;
  opset_import: { domain: string; version: number }[];
  metadata_props: { key: string; value: string }[];
}

/** Serialises a model message (checked against the schema first). */
export function encodeModel(model: ModelMsg): Uint8Array {
  const err = ModelProto.verify(model);
  if (err) throw new Error(`ONNX model does not fit the schema: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

export interface ModelHeaderInfo {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsets: { domain: string; version: number }[];
  metadata: Map<string, string>;
}

/** Reads the header fields and metadata of an ONNX file's bytes (the graph is skipped). */
export function decodeModelHeader(bytes: Uint8Array): ModelHeaderInfo {
  const msg = ModelHeader.decode(bytes);
  const o = ModelHeader.toObject(msg, { longs: Number, defaults: true }) as {
    ir_version: number; producer_name: string; producer_version: string;
    opset_import: { domain: string; version: number }[]; metadata_props: { key: string; value: string }[];
  };
  return {
    irVersion: o.ir_version,
    producerName: o.producer_name,
    producerVersion: o.producer_version,
    opsets: o.opset_import.map((s) => ({ domain: s.domain ?? '', version: Number(s.version) })),
    metadata: new Map(o.metadata_props.map((p) => [p.key, p.value])),
  };
}

/** The whole model as a plain object (tests and tools; int64 as numbers, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): ModelMsg {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false, arrays: true }) as ModelMsg;
}
