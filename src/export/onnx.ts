// Our ONNX writer: a YOLOv5 model (official, trained or pruned: it works from the spec and the
// tensors) as an ONNX model the way YOLOv5's export.py writes it: input `images` [N, 3, H, W]
// float, output `output0` [N, anchors, 5 + nc] decoded (xywh in input pixels, objectness, class
// scores), Conv+BN fused, and metadata_props `stride` (the max stride) and `names` (Python's str of
// {0: 'person', ...}). --dynamic makes batch, height and width symbolic, as YOLOv5 names them.
import { Yolov5Model } from '../model/build.js';
import { fuseModel } from '../model/fuse.js';
import { convModulePath, convsOf, detectLayer, inputIndices, type ModelSpec } from '../model/spec.js';
import { OnnxGraph, MAX_OPSET, MIN_OPSET, type TensorInfo } from './onnx-graph.js';
import { LayerEmitter } from './onnx-layers.js';
import { DetectEmitter, anchorsFromStore } from './onnx-detect.js';
import { namesToPyDict } from './py-repr.js';

export const INPUT_NAME = 'images';
export const OUTPUT_NAME = 'output0';
export const DEFAULT_OPSET = 17;

export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

export interface OnnxExportOptions {
  /** input size: one number (square) or [h, w], rounded up to multiples of the max stride (default 640) */
  img?: number | readonly number[];
  /** batch size of a static export (default 1) */
  batch?: number;
  /** symbolic batch, height and width (the grid is computed in the graph) */
  dynamic?: boolean;
  /** ONNX opset of the default domain (default 17; 11 to 22) */
  opset?: number;
  /** extra metadata_props besides stride and names */
  metadata?: Record<string, string>;
}

export interface OnnxExportResult {
  bytes: Uint8Array;
  opset: number;
  /** [h, w] the export was made for, after rounding up to the stride (with --dynamic: only informative) */
  imgSize: [number, number];
  inputShape: (number | string)[];
  outputShape: (number | string)[];
  metadata: Record<string, string>;
}

/** The size as [h, w], each rounded up to a multiple of `stride` (YOLOv5's check_img_size). */
export function checkExportSize(img: number | readonly number[], stride: number): [number, number] {
  const hw = typeof img === 'number' ? [img, img] : img.length === 1 ? [img[0]!, img[0]!] : [...img];
  if (hw.length !== 2 || hw.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new OnnxExportError(`image size must be one or two positive integers, got ${JSON.stringify(img)}`);
  }
  return hw.map((v) => Math.ceil(v / stride) * stride) as [number, number];
}

function checkOpset(opset: number): number {
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new OnnxExportError(`opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${opset}`);
  }
  return opset;
}

function isFused(model: Yolov5Model): boolean {
  const first = convsOf(model.spec.layers[0]!)[0];
  return !first || !model.store.get(`${convModulePath(0, first[0])}.bn.weight`);
}

/** Builds every node of the network into `g`; returns the output's name. */
function emitNetwork(g: OnnxGraph, model: Yolov5Model, opset: number, size: [number, number] | null): string {
  const spec: ModelSpec = model.spec;
  const layers = new LayerEmitter(g, model.store, opset);
  const outputs: string[] = [];
  const last = spec.layers.length - 1;
  for (let i = 0; i < last; i++) {
    const ins = inputIndices(spec.layers[i]!.from, i).map((j) => (j < 0 ? INPUT_NAME : outputs[j]!));
    outputs.push(layers.layer(i, spec.layers[i]!, ins));
  }
  const det = detectLayer(spec);
  const strides = model.stride;
  const head = new DetectEmitter(g, model.store, {
    index: last, nc: det.nc, na: det.anchors[0]!.length / 2, strides, anchorsPx: anchorsFromStore(model.store, last, strides),
  });
  const sizes = size ? strides.map((s): [number, number] => [size[0] / s, size[1] / s]) : null;
  return head.emit(inputIndices(det.from, last).map((j) => outputs[j]!), sizes, OUTPUT_NAME);
}

/** The number of predictions rows for an input size: sum over levels of na * (h/s) * (w/s). */
export function anchorCount(model: Yolov5Model, hw: readonly [number, number]): number {
  const na = detectLayer(model.spec).anchors[0]!.length / 2;
  return model.stride.reduce((n, s) => n + na * (hw[0] / s) * (hw[1] / s), 0);
}

/** Exports a model (fused on the way when it is not) to ONNX bytes. The model is not changed. */
export function exportOnnx(model: Yolov5Model, opts: OnnxExportOptions = {}): OnnxExportResult {
  const opset = checkOpset(opts.opset ?? DEFAULT_OPSET);
  const maxStride = Math.max(...model.stride);
  const hw = checkExportSize(opts.img ?? 640, maxStride);
  const batch = opts.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1) throw new OnnxExportError(`batch must be a positive integer, got ${batch}`);
  const fused = isFused(model) ? model : fuseModel(model);
  try {
    const g = new OnnxGraph();
    const output = emitNetwork(g, fused, opset, opts.dynamic ? null : hw);
    const no = model.nc + 5;
    const inputShape: (number | string)[] = opts.dynamic ? ['batch', 3, 'height', 'width'] : [batch, 3, hw[0], hw[1]];
    const outputShape: (number | string)[] = opts.dynamic ? ['batch', 'anchors', no] : [batch, anchorCount(model, hw), no];
    const metadata = { ...(opts.metadata ?? {}), stride: String(maxStride), names: namesToPyDict(model.names) };
    const inputs: TensorInfo[] = [{ name: INPUT_NAME, dims: inputShape }];
    const bytes = g.toModel({
      opset,
      producer: 'yolotrim',
      producerVersion: '0.1.0',
      graphName: 'yolotrim-yolov5',
      doc: 'YOLOv5 exported by yolotrim',
      inputs,
      outputs: [{ name: output, dims: outputShape }],
      metadata,
    });
    return { bytes, opset, imgSize: hw, inputShape, outputShape, metadata };
  } finally {
    if (fused !== model) fused.dispose();
  }
}
