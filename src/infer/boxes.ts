// Box geometry between the network input and the original image: YOLOv5's scale_boxes (undo the
// letterbox, clip to the image) and the normalised centre format of label files.

/** [height, width] */
export type HW = readonly [number, number];

/** Clips x1 y1 x2 y2 boxes (flat, in place) to an image of `shape` = [h, w], like YOLOv5's clip_boxes. */
export function clipBoxes(boxes: Float32Array, shape: HW): Float32Array {
  const [h, w] = shape;
  for (let k = 0; k < boxes.length; k += 4) {
    boxes[k] = Math.min(Math.max(boxes[k]!, 0), w);
    boxes[k + 1] = Math.min(Math.max(boxes[k + 1]!, 0), h);
    boxes[k + 2] = Math.min(Math.max(boxes[k + 2]!, 0), w);
    boxes[k + 3] = Math.min(Math.max(boxes[k + 3]!, 0), h);
  }
  return boxes;
}

export interface RatioPad {
  ratio: number;
  /** left and top padding in input pixels */
  pad: readonly [number, number];
}

/**
 * YOLOv5's scale_boxes: x1 y1 x2 y2 boxes (flat) from input pixels of a letterboxed `inputShape` back
 * to pixels of the original `origShape`, clipped to it. Without `ratioPad` the gain and padding are
 * derived from the two shapes (centred padding), as YOLOv5 does. Returns a new array.
 */
export function scaleBoxes(inputShape: HW, boxes: Float32Array, origShape: HW, ratioPad?: RatioPad): Float32Array {
  let gain: number;
  let padX: number;
  let padY: number;
  if (ratioPad) {
    gain = ratioPad.ratio;
    [padX, padY] = ratioPad.pad;
  } else {
    gain = Math.min(inputShape[0] / origShape[0], inputShape[1] / origShape[1]);
    padX = (inputShape[1] - origShape[1] * gain) / 2;
    padY = (inputShape[0] - origShape[0] * gain) / 2;
  }
  const out = new Float32Array(boxes.length);
  for (let k = 0; k < boxes.length; k += 4) {
    out[k] = (boxes[k]! - padX) / gain;
    out[k + 1] = (boxes[k + 1]! - padY) / gain;
    out[k + 2] = (boxes[k + 2]! - padX) / gain;
    out[k + 3] = (boxes[k + 3]! - padY) / gain;
  }
  return clipBoxes(out, origShape);
}

/** One x1 y1 x2 y2 box as centre x, centre y, width, height normalised by the image size. */
export function xyxyToXywhn(box: ArrayLike<number>, width: number, height: number): [number, number, number, number] {
  const [x1, y1, x2, y2] = [box[0]!, box[1]!, box[2]!, box[3]!];
  return [(x1 + x2) / 2 / width, (y1 + y2) / 2 / height, (x2 - x1) / width, (y2 - y1) / height];
}
