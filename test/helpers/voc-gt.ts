// Ground truth for metric tests: reads a Pascal VOC xml, takes the image's real size from the
// image itself (many xml files say 0 x 0), honouring EXIF orientation, clips the boxes to the
// image and maps class names to ids. Test-only; the library's VOC reader lives in src/data/.
import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';

export interface ImageGroundTruth {
  id: string;
  width: number;
  height: number;
  /** n x 4 pixel x1, y1, x2, y2. */
  boxes: Float64Array;
  cls: Int32Array;
}

/** Width and height as displayed (EXIF orientations 5-8 swap them). */
export async function orientedSize(file: string): Promise<{ width: number; height: number }> {
  const m = await sharp(file).metadata();
  if (m.width === undefined || m.height === undefined) throw new Error(`${file}: no image size`);
  const swap = (m.orientation ?? 1) >= 5;
  return swap ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
}

interface VocObject {
  name: string;
  bndbox: { xmin: number; ymin: number; xmax: number; ymax: number };
}

function vocObjects(xml: string, file: string): VocObject[] {
  const doc = new XMLParser({ isArray: (name) => name === 'object' }).parse(xml) as { annotation?: { object?: VocObject[] } };
  if (!doc.annotation) throw new Error(`${file}: no <annotation>`);
  return doc.annotation.object ?? [];
}

/**
 * One image's boxes, clipped to the real image size; identical rows are kept once, as YOLOv5's
 * label check does.
 */
export async function readVocGroundTruth(xmlFile: string, imageFile: string, classIds: Record<string, number>, id: string): Promise<ImageGroundTruth> {
  const { width, height } = await orientedSize(imageFile);
  const seen = new Set<string>();
  const boxes: number[] = [];
  const cls: number[] = [];
  for (const o of vocObjects(await readFile(xmlFile, 'utf8'), xmlFile)) {
    const c = classIds[String(o.name)];
    if (c === undefined) throw new Error(`${xmlFile}: unknown class ${o.name}`);
    const b = o.bndbox;
    const row = [
      Math.min(Math.max(Number(b.xmin), 0), width),
      Math.min(Math.max(Number(b.ymin), 0), height),
      Math.min(Math.max(Number(b.xmax), 0), width),
      Math.min(Math.max(Number(b.ymax), 0), height),
    ];
    const key = [c, ...row].join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    boxes.push(...row);
    cls.push(c);
  }
  return { id, width, height, boxes: Float64Array.from(boxes), cls: Int32Array.from(cls) };
}
