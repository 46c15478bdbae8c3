// Augmentations move labels with the pixels: a coloured box drawn into a synthetic image is found
// again from the pixels after the transform, and must match its transformed label (IoU >= 0.9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/data/rng.js';
import {
  DEFAULT_AUGMENT_HYP, boxCandidates, flipLeftRight, flipUpDown, letterbox, mosaic4, randomPerspective,
  xywhnToXyxy, xyxyToXywhn, warp, resizeBilinear, IDENTITY, type AugmentHyp, type RgbImage,
} from '../../src/data/augment/index.js';
import { makeSample, type SampleContext } from '../../src/data/sample.js';
import { CLASS_COLOURS, boxImage, findColourBox, findColourRegion, iou, normalisedLabels, type FixtureBox } from '../helpers/yolo-fixture.js';

const NO_AUG: AugmentHyp = { ...DEFAULT_AUGMENT_HYP, hsv_h: 0, hsv_s: 0, hsv_v: 0, fliplr: 0, flipud: 0, mosaic: 0, translate: 0, scale: 0 };

/**
 * For each label big enough to see (both sides >= minSide px): IoU of the label with the colour's pixels
 * around it. With `skipBorder`, labels that touch the image border are left out: when a rotated or
 * sheared box is cut by the border, YOLOv5's label (the moved corners' box, clipped) is looser than the
 * visible part, by design.
 */
function labelPixelIous(img: RgbImage, pixelLabels: Float32Array, o: { skipBorder?: boolean; minSide?: number } = {}): number[] {
  const out: number[] = [];
  const minSide = o.minSide ?? 8, margin = 6;
  for (let k = 0; k < pixelLabels.length; k += 5) {
    const box = Array.from(pixelLabels.subarray(k + 1, k + 5));
    if (box[2]! - box[0]! < minSide || box[3]! - box[1]! < minSide) continue;
    if (o.skipBorder && (box[0]! < 1 || box[1]! < 1 || box[2]! > img.width - 1 || box[3]! > img.height - 1)) continue;
    const region = [box[0]! - margin, box[1]! - margin, box[2]! + margin, box[3]! + margin];
    const found = findColourRegion(img, CLASS_COLOURS[pixelLabels[k]!]!, (box[0]! + box[2]!) / 2, (box[1]! + box[3]!) / 2, region);
    out.push(found ? iou(found, box) : 0);
  }
  return out;
}

const BOXES: FixtureBox[] = [
  { cls: 0, x1: 20, y1: 30, x2: 90, y2: 80 },
  { cls: 1, x1: 120, y1: 20, x2: 150, y2: 140 },
  { cls: 2, x1: 40, y1: 110, x2: 100, y2: 150 },
];

function perspectiveIous(hyp: AugmentHyp, skipBorder: boolean): number[] {
  const img = boxImage(160, 160, BOXES);
  const labels = xywhnToXyxy(normalisedLabels(BOXES, 160, 160), 160, 160);
  const ious: number[] = [];
  for (let seed = 0; seed < 30; seed++) {
    const r = randomPerspective(img, labels, hyp, new Rng(seed));
    ious.push(...labelPixelIous(r.image, r.labels, { skipBorder }));
  }
  return ious;
}

test('random perspective (rotation, scale, shear, translation, perspective): labels enclose the same pixels', () => {
  const ious = perspectiveIous({ ...NO_AUG, degrees: 20, translate: 0.1, scale: 0.5, shear: 8, perspective: 0.0005 }, true);
  assert.ok(ious.length >= 30, `only ${ious.length} boxes checked`);
  const worst = Math.min(...ious);
  assert.ok(worst >= 0.9, `worst IoU ${worst.toFixed(3)}`);
});

test('random perspective, scale and translation only: boxes cut by the border are clipped exactly', () => {
  const ious = perspectiveIous({ ...NO_AUG, translate: 0.3, scale: 0.6 }, false);
  assert.ok(ious.length >= 40, `only ${ious.length} boxes checked`);
  const worst = Math.min(...ious);
  assert.ok(worst >= 0.9, `worst IoU ${worst.toFixed(3)}`);
});

test('flips: exact', () => {
  const img = boxImage(160, 160, BOXES);
  const labels = xywhnToXyxy(normalisedLabels(BOXES, 160, 160), 160, 160);
  flipLeftRight(img, labels);
  flipUpDown(img, labels);
  const ious = labelPixelIous(img, labels);
  assert.deepEqual(ious, [1, 1, 1]);
  // a box at x 20..90 lands at 70..140 after a left-right flip of 160 px
  assert.deepEqual(Array.from(labels.subarray(1, 5)), [70, 80, 140, 130]);
  // the check has teeth: flip the pixels again but not the labels, and the labels miss their boxes
  flipLeftRight(img, new Float32Array(0));
  assert.ok(Math.min(...labelPixelIous(img, labels)) < 0.5);
});

test('letterbox: the image scaled into the shape, padded with 114, labels moved alike', () => {
  const img = boxImage(200, 100, [{ cls: 0, x1: 50, y1: 20, x2: 150, y2: 80 }]);
  const lb = letterbox(img, [128, 128]);
  assert.equal(lb.ratio, 0.64);
  assert.deepEqual(lb.pad, [0, 32]);
  assert.deepEqual(Array.from(lb.image.data.subarray(0, 3)), [114, 114, 114]);
  const labels = xywhnToXyxy(Float32Array.from([0, 0.5, 0.5, 0.5, 0.6]), 128, 64, lb.pad[0], lb.pad[1]);
  assert.ok(labelPixelIous(lb.image, labels)[0]! > 0.95);
  const noUp = letterbox(img, [400, 400], false);
  assert.equal(noUp.ratio, 1, 'scaleup=false never enlarges');
  assert.deepEqual(noUp.pad, [100, 150]);
});

async function mosaicIous(extra: Partial<AugmentHyp>, skipBorder: boolean): Promise<number[]> {
  // four images with different boxes; colours repeat across images, so each label is checked near itself
  const sets: FixtureBox[][] = [
    BOXES,
    [{ cls: 3, x1: 10, y1: 10, x2: 60, y2: 60 }, { cls: 4, x1: 70, y1: 70, x2: 110, y2: 115 }],
    [{ cls: 5, x1: 30, y1: 5, x2: 100, y2: 40 }],
    [{ cls: 6, x1: 5, y1: 40, x2: 45, y2: 95 }, { cls: 7, x1: 60, y1: 30, x2: 95, y2: 70 }],
  ];
  const sizes: [number, number][] = [[160, 160], [120, 128], [100, 140], [110, 100]];
  const images = sets.map((b, i) => boxImage(sizes[i]![1], sizes[i]![0], b));
  const ctx: SampleContext = {
    labels: sets.map((b, i) => normalisedLabels(b, sizes[i]![1], sizes[i]![0])),
    // long side = imgSize, as the loader's decode gives them
    images: async (i) => {
      const im = images[i]!;
      const r = 160 / Math.max(im.width, im.height);
      return { image: resizeBilinear(im, Math.ceil(im.width * r), Math.ceil(im.height * r)), original: [im.height, im.width] };
    },
    config: { imgSize: 160, augment: true, rect: false, hyp: { ...NO_AUG, mosaic: 1, translate: 0.1, scale: 0.5, fliplr: 0.5, flipud: 0.5, ...extra } },
  };
  const ious: number[] = [];
  for (let seed = 0; seed < 24; seed++) {
    const s = await makeSample({ index: seed % 4, seed }, ctx);
    assert.equal(s.image.width, 160);
    assert.equal(s.image.height, 160);
    assert.equal(s.shape, null);
    ious.push(...labelPixelIous(s.image, xywhnToXyxy(s.labels, 160, 160), { skipBorder }));
  }
  return ious;
}

test('mosaic + scale/translate + flips (hyp.scratch-low geometry): every visible label encloses its pixels', async () => {
  const ious = await mosaicIous({}, false);
  assert.ok(ious.length >= 40, `only ${ious.length} boxes checked`);
  const worst = Math.min(...ious);
  assert.ok(worst >= 0.9, `worst IoU ${worst.toFixed(3)}`);
});

test('mosaic + rotation and shear: labels away from the border enclose their pixels', async () => {
  const ious = await mosaicIous({ degrees: 10, shear: 3 }, true);
  assert.ok(ious.length >= 30, `only ${ious.length} boxes checked`);
  const worst = Math.min(...ious);
  assert.ok(worst >= 0.9, `worst IoU ${worst.toFixed(3)}`);
});

test('mosaic4: the four images around the centre, labels clipped to the canvas', () => {
  const parts = [0, 1, 2, 3].map((k) => ({ image: boxImage(40, 30, [{ cls: k, x1: 0, y1: 0, x2: 40, y2: 30 }]), labels: Float32Array.from([k, 0.5, 0.5, 1, 1]) }));
  const { image, labels } = mosaic4(parts, 40, { xc: 50, yc: 35 });
  assert.equal(image.width, 80);
  // top-left image ends at the centre; bottom-right starts there and is cut by the canvas (80 - 50 = 30 px)
  assert.deepEqual(Array.from(labels.subarray(0, 5)), [0, 10, 5, 50, 35]);
  assert.deepEqual(Array.from(labels.subarray(15, 20)), [3, 50, 35, 80, 65]);
  assert.deepEqual(findColourBox(image, CLASS_COLOURS[3]!), [50, 35, 80, 65]);
  assert.deepEqual(findColourBox(image, CLASS_COLOURS[1]!), [50, 5, 80, 35]);
});

test('box_candidates: YOLOv5 thresholds (wh > 2 px, area kept > 10%, aspect < 100)', () => {
  const before = Float32Array.from([0, 0, 0, 100, 100, 0, 0, 0, 100, 100, 0, 0, 0, 100, 100, 0, 0, 0, 10, 10]);
  const after = Float32Array.from([0, 0, 0, 50, 50, 0, 0, 0, 2, 50, 0, 0, 0, 30, 30, 0, 0, 0, 10, 10]);
  assert.deepEqual(boxCandidates(before, after, 1), [true, false, false, true]);
  assert.deepEqual(boxCandidates(before.subarray(0, 5), after.subarray(0, 5), 2), [false], 'area compared with the box scaled by s');
});

test('label conversions round-trip; xyxy → xywhn clips like YOLOv5 (eps 1e-3)', () => {
  const n = Float32Array.from([2, 0.25, 0.5, 0.5, 0.2]);
  const px = xywhnToXyxy(n, 200, 100, 10, 5);
  assert.deepEqual(Array.from(px), [2, 10, 45, 110, 65]);
  const back = xyxyToXywhn(xywhnToXyxy(n, 200, 100), 200, 100);
  back.forEach((v, i) => assert.ok(Math.abs(v - n[i]!) < 1e-6));
  const clipped = xyxyToXywhn(Float32Array.from([0, -10, -10, 300, 50]), 200, 100);
  assert.ok(Math.abs(clipped[3]! - (200 - 1e-3) / 200) < 1e-6);
});

test('warp: identity keeps the image; 114 outside', () => {
  const img = boxImage(50, 40, BOXES.map((b) => ({ ...b, x2: Math.min(b.x2, 50), y2: Math.min(b.y2, 40), x1: Math.min(b.x1, 30), y1: Math.min(b.y1, 20) })));
  assert.deepEqual(warp(img, IDENTITY, 50, 40).data, img.data);
  const shifted = warp(img, [1, 0, 10, 0, 1, 0, 0, 0, 1], 50, 40);
  assert.deepEqual(Array.from(shifted.data.subarray(0, 3)), [114, 114, 114]);
  assert.deepEqual(Array.from(shifted.data.subarray(30, 33)), Array.from(img.data.subarray(0, 3)));
});
