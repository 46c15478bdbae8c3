// Test helpers: temporary folders, a writable copy of the shared fruit set, small generated images.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

export const FRUIT = path.resolve(import.meta.dirname, '../../../shared/datasets/fruit');

export function tempDir(prefix = 'yolotrim-data-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A dataset root in a temp folder: the fruit xml files copied (small), the images linked file by file
 * (nothing ever writes to an image, and no folder of the shared set is linked, so new files land here).
 */
export function fruitCopy(filter: (id: string) => boolean = () => true): string {
  const root = tempDir('yolotrim-fruit-');
  mkdirSync(path.join(root, 'Annotations'));
  mkdirSync(path.join(root, 'images'));
  for (const f of readdirSync(path.join(FRUIT, 'Annotations'))) {
    if (filter(f.replace(/\.xml$/, ''))) cpSync(path.join(FRUIT, 'Annotations', f), path.join(root, 'Annotations', f));
  }
  for (const f of readdirSync(path.join(FRUIT, 'images'))) {
    if (filter(f.replace(/\.jpg$/, ''))) symlinkSync(path.join(FRUIT, 'images', f), path.join(root, 'images', f));
  }
  return root;
}

/** A noisy image (so a JPEG has real data to cut), with an EXIF orientation if given. */
export async function writeImage(file: string, width: number, height: number, format: 'jpeg' | 'png' = 'jpeg', orientation?: number): Promise<void> {
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 0;
  for (const ch of path.basename(file)) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0; // different files, different pixels
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919 + (i >> 5) * 104729 + seed) & 255;
  let img = sharp(pixels, { raw: { width, height, channels: 3 } });
  img = format === 'jpeg' ? img.jpeg() : img.png();
  if (orientation) img = img.withMetadata({ orientation });
  writeFileSync(file, await img.toBuffer());
}

export interface XmlObject {
  name: string;
  box: [number, number, number, number];
  difficult?: boolean;
}

/** A LabelImg-style xml, written by hand (not by the code under test). */
export function vocXml(filename: string, size: [number, number] | undefined, objects: XmlObject[]): string {
  const objs = objects
    .map((o) => `<object><name>${o.name}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>${o.difficult ? 1 : 0}</difficult>` +
      `<bndbox><xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox></object>`)
    .join('\n');
  const sz = size ? `<size><width>${size[0]}</width><height>${size[1]}</height><depth>3</depth></size>` : '';
  return `<?xml version="1.0"?>\n<annotation><folder>images</folder><filename>${filename}</filename>${sz}\n${objs}\n</annotation>\n`;
}
