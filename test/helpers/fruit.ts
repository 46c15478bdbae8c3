// The shared fruit set as a YOLOv5 dataset in a temp folder: xml copied, images linked, its
// test-split.txt as val and test, the other 240 images as train, converted with our own tools.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { convertDataset } from '../../src/data/convert.js';

export const SHARED = path.resolve(import.meta.dirname, '../../../shared');
export const FRUIT = path.join(SHARED, 'datasets', 'fruit');
export const COCO_NAMES: string[] = (JSON.parse(readFileSync(path.join(SHARED, 'reference/yolov5n_coco_320/summary.json'), 'utf8')) as { model: { names: string[] } }).model.names;

/** Returns the data.yaml path. classes: the class list (default: the 3 fruit names, sorted). */
export async function fruitDataset(classes?: string[]): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), 'yt-fruit-'));
  for (const d of ['Annotations', 'images', 'ImageSets/Main']) mkdirSync(path.join(root, d), { recursive: true });
  const ids = readdirSync(path.join(FRUIT, 'Annotations')).map((f) => f.replace(/\.xml$/, '')).sort();
  for (const id of ids) copyFileSync(path.join(FRUIT, 'Annotations', `${id}.xml`), path.join(root, 'Annotations', `${id}.xml`));
  for (const f of readdirSync(path.join(FRUIT, 'images'))) symlinkSync(path.join(FRUIT, 'images', f), path.join(root, 'images', f));
  const test = readFileSync(path.join(FRUIT, 'test-split.txt'), 'utf8').split(/\r?\n/).filter(Boolean);
  const testSet = new Set(test);
  const train = ids.filter((id) => !testSet.has(id));
  const write = (name: string, list: string[]) => writeFileSync(path.join(root, 'ImageSets/Main', `${name}.txt`), `${list.join('\n')}\n`);
  write('train', train);
  write('val', test);
  write('test', test);
  write('trainval', [...train, ...test]);
  const r = await convertDataset(root, { classes, decode: false });
  return r.dataYaml;
}
