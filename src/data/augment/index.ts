// Augmentations on raw RGB bytes (HWC) and label rows, YOLOv5's set and names.
export * from './image.js';
export * from './boxes.js';
export * from './warp.js';
export * from './letterbox.js';
export * from './mosaic.js';
export * from './affine.js';
export * from './hsv.js';
export * from './flip.js';
export * from './mixup.js';
export * from './hyp.js';
