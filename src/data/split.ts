// The train/val/test split of a VOC folder, written as `ImageSets/{trainval,train,val,test}.txt`
// (one image id per line, no extension), as the original Python tool did.
//
// Sizes follow the original tool, which took random.sample(ids, int(n * trainval)) and then
// random.sample(trainval, int(tv * train)): trainval = floor(n * trainval), train = floor(tv * train),
// val = tv - train, test = n - tv. With the defaults (0.9, 0.9) that is 81/9/10: 243/27/30 of 300.
// (A 1e-9 is added before flooring so that 0.29 * 100 gives 29, not 28.)
//
// Randomness: ids are sorted (so the file system's listing order does not matter), shuffled by
// Fisher–Yates driven by mulberry32(seed), and cut in order: the same ids and seed always give the
// same split, on any machine. The split differs from Python's random.sample for the same seed.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from './errors.js';
import { writeGeneratedFiles, type WriteSummary } from './generated.js';
import { mulberry32 } from './rng.js';

export interface SplitOptions {
  /** fraction of all ids in trainval (the rest is test); default 0.9 */
  trainval?: number;
  /** fraction of trainval in train (the rest is val); default 0.9 */
  train?: number;
  /** default 0 */
  seed?: number;
}

export interface Split {
  trainval: string[];
  train: string[];
  val: string[];
  test: string[];
}

export const SPLIT_FILES = ['trainval', 'train', 'val', 'test'] as const;
export const IMAGE_SETS_DIR = 'ImageSets';

export { mulberry32 };

/** Fisher–Yates, in place. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkFraction(name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be between 0 and 1, not ${v}`);
}

/** Pure: the split of `ids` (each list sorted). */
export function splitIds(ids: readonly string[], options: SplitOptions = {}): Split {
  const { trainval = 0.9, train = 0.9, seed = 0 } = options;
  checkFraction('trainval', trainval);
  checkFraction('train', train);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), not ${seed}`);
  const unique = [...new Set(ids)].sort(byCodeUnit);
  const shuffled = shuffleInPlace([...unique], mulberry32(seed));
  const nTrainval = Math.floor(unique.length * trainval + 1e-9);
  const nTrain = Math.floor(nTrainval * train + 1e-9);
  const sorted = (l: string[]) => l.sort(byCodeUnit);
  return {
    trainval: sorted(shuffled.slice(0, nTrainval)),
    train: sorted(shuffled.slice(0, nTrain)),
    val: sorted(shuffled.slice(nTrain, nTrainval)),
    test: sorted(shuffled.slice(nTrainval)),
  };
}

/** The xml files of `<root>/Annotations/` (`.xml` in any case) with their ids (the name without `.xml`), sorted by id. */
export async function listAnnotations(root: string): Promise<{ id: string; file: string }[]> {
  const dir = path.join(root, 'Annotations');
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new DatasetError(`${root} has no Annotations folder (expected <root>/Annotations/*.xml)`);
  return (await readdir(dir))
    .filter((f) => f.toLowerCase().endsWith('.xml') && f.length > 4)
    .map((file) => ({ id: file.slice(0, -4), file }))
    .sort((a, b) => byCodeUnit(a.id, b.id));
}

export async function listAnnotationIds(root: string): Promise<string[]> {
  return (await listAnnotations(root)).map((a) => a.id);
}

function formatIdList(ids: readonly string[]): string {
  return ids.map((id) => `${id}\n`).join('');
}

/** The ImageSets files for a split, ready for writeGeneratedFiles. */
export function splitFiles(split: Split): { path: string; content: string }[] {
  return SPLIT_FILES.map((k) => ({ path: `${IMAGE_SETS_DIR}/${k}.txt`, content: formatIdList(split[k]) }));
}

export interface SplitResult {
  root: string;
  split: Split;
  files: WriteSummary;
}

/** `yolotrim dataset split`: splits the ids of Annotations/ and writes ImageSets/. */
export async function splitDataset(root: string, options: SplitOptions & { overwrite?: boolean } = {}): Promise<SplitResult> {
  const ids = await listAnnotationIds(root);
  if (ids.length === 0) throw new DatasetError(`${path.join(root, 'Annotations')} has no .xml files`);
  const split = splitIds(ids, options);
  const files = await writeGeneratedFiles(root, splitFiles(split), { overwrite: options.overwrite });
  return { root, split, files };
}

/**
 * The split already in `<root>/ImageSets/` (or VOC's `ImageSets/Main/`): needs train.txt and val.txt;
 * test.txt may be missing. Undefined when there is none.
 */
export async function readSplit(root: string): Promise<(Omit<Split, 'trainval'> & { dir: string }) | undefined> {
  for (const dir of [IMAGE_SETS_DIR, `${IMAGE_SETS_DIR}/Main`]) {
    const read = (k: string) => readFile(path.join(root, dir, `${k}.txt`), 'utf8').then(parseIdList, () => undefined);
    const [train, val, test] = await Promise.all([read('train'), read('val'), read('test')]);
    if (train && val) return { dir, train, val, test: test ?? [] };
  }
  return undefined;
}

function parseIdList(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}
