// YOLOv5 data yaml: `path` (dataset root), `train`, `val`, `test` (each a folder of images, a .txt
// list of image paths, or a list of those), `nc`, `names` (a list or a {0: name} mapping).
//
// Path rules (YOLOv5's, with the yaml's own folder standing in for YOLOv5's repository folder):
// - `path` relative, or absent, is taken from the folder that holds the yaml file;
// - `train`/`val`/`test` entries that are relative are taken from `path`;
// - lines of a .txt list that are relative (YOLOv5 writes them `./images/x.jpg`) are taken from the
//   folder that holds the list (YOLOv5 does this for `./` lines and uses its working folder for others);
// - a label is found from its image by replacing the last `/images/` with `/labels/` and the extension
//   with `.txt`.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { DatasetError } from '../errors.js';
import { isImageFileName } from '../images.js';

export type SplitName = 'train' | 'val' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test'];

export interface DataYaml {
  /** the dataset root as written, if any */
  path?: string;
  train: string[];
  val: string[];
  test: string[];
  nc: number;
  names: string[];
}

export interface ResolvedData {
  file: string;
  root: string;
  nc: number;
  names: string[];
  /** absolute folders / list files / images for each split */
  splits: Record<SplitName, string[]>;
}

export function parseDataYaml(text: string, file = 'data yaml'): DataYaml {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new DatasetError(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new DatasetError(`${file}: not a mapping`);
  const d = doc as Record<string, unknown>;
  const names = parseNames(d.names, d.nc, file);
  const out: DataYaml = {
    train: sources(d.train, 'train', file, true),
    val: sources(d.val, 'val', file, true),
    test: sources(d.test, 'test', file, false),
    nc: names.length,
    names,
  };
  if (typeof d.path === 'string' && d.path !== '') out.path = d.path;
  return out;
}

function parseNames(raw: unknown, nc: unknown, file: string): string[] {
  if (nc !== undefined && (typeof nc !== 'number' || !Number.isInteger(nc) || nc < 1)) {
    throw new DatasetError(`${file}: nc must be a positive integer, not ${JSON.stringify(nc)}`);
  }
  let names: string[];
  if (Array.isArray(raw)) names = raw.map(String);
  else if (typeof raw === 'object' && raw !== null) {
    const entries = Object.entries(raw as Record<string, unknown>);
    names = entries.map((_, i) => {
      const v = (raw as Record<string, unknown>)[String(i)];
      if (v === undefined) throw new DatasetError(`${file}: names must be numbered 0..${entries.length - 1}; ${i} is missing`);
      return String(v);
    });
  } else if (raw === undefined && typeof nc === 'number') {
    names = Array.from({ length: nc }, (_, i) => `class${i}`); // as YOLOv5 does
  } else throw new DatasetError(`${file}: names is missing (a list of class names)`);
  if (names.length === 0) throw new DatasetError(`${file}: names is empty`);
  if (typeof nc === 'number' && nc !== names.length) {
    throw new DatasetError(`${file}: nc is ${nc} but names has ${names.length} entries`);
  }
  return names;
}

function sources(raw: unknown, key: SplitName, file: string, required: boolean): string[] {
  if (raw === undefined || raw === null || raw === '') {
    if (required) throw new DatasetError(`${file}: ${key} is missing`);
    return [];
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((s) => typeof s === 'string' && s !== '')) {
    throw new DatasetError(`${file}: ${key} must be a path or a list of paths`);
  }
  return list as string[];
}

/** Absolute paths, by the rules at the top of this file. */
export function resolveDataPaths(d: DataYaml, yamlFile: string): ResolvedData {
  const file = path.resolve(yamlFile);
  const root = path.resolve(path.dirname(file), d.path ?? '.');
  const abs = (list: string[]) => list.map((s) => path.resolve(root, s));
  return { file, root, nc: d.nc, names: d.names, splits: { train: abs(d.train), val: abs(d.val), test: abs(d.test) } };
}

export async function readDataYaml(file: string): Promise<ResolvedData> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new DatasetError(`cannot read the data yaml ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return resolveDataPaths(parseDataYaml(text, file), file);
}

/** The images of one split, in a stable order, and the sources that do not exist. */
export async function listSplitImages(sourceList: readonly string[]): Promise<{ images: string[]; missing: string[] }> {
  const images: string[] = [];
  const missing: string[] = [];
  for (const src of sourceList) {
    const st = await stat(src).catch(() => undefined);
    if (!st) missing.push(src);
    else if (st.isDirectory()) images.push(...(await walkImages(src)));
    else if (src.toLowerCase().endsWith('.txt')) images.push(...(await readImageList(src)));
    else if (isImageFileName(src)) images.push(src);
    else missing.push(src);
  }
  return { images, missing };
}

async function walkImages(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walkImages(p)));
    else if (isImageFileName(e.name)) out.push(p);
  }
  return out.sort();
}

async function readImageList(listFile: string): Promise<string[]> {
  const text = await readFile(listFile, 'utf8');
  const base = path.dirname(listFile);
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && isImageFileName(l))
    .map((l) => path.resolve(base, l));
}

/** `/a/images/b/c.jpg` → `/a/labels/b/c.txt` (the last `/images/` only); next to the image without one. */
export function imageToLabelPath(imagePath: string): string {
  const sep = imagePath.includes('\\') && !imagePath.includes('/') ? '\\' : '/';
  const marker = `${sep}images${sep}`;
  const at = imagePath.lastIndexOf(marker);
  const swapped = at < 0 ? imagePath : `${imagePath.slice(0, at)}${sep}labels${sep}${imagePath.slice(at + marker.length)}`;
  const dot = swapped.lastIndexOf('.');
  const slash = swapped.lastIndexOf(sep);
  return `${dot > slash ? swapped.slice(0, dot) : swapped}.txt`;
}

/** The yaml text, with `header` as a comment on top and names written as a flow list. */
export function formatDataYaml(d: DataYaml, header?: string): string {
  const obj: Record<string, unknown> = {};
  if (d.path !== undefined) obj.path = d.path;
  for (const k of SPLIT_NAMES) {
    const v = d[k];
    if (v.length > 0) obj[k] = v.length === 1 ? v[0] : v;
  }
  obj.nc = d.nc;
  obj.names = d.names;
  const doc = new YAML.Document(obj);
  const names = doc.get('names', true) as { flow?: boolean } | undefined;
  if (names) names.flow = true;
  if (header) doc.commentBefore = header.split('\n').map((l) => ` ${l}`).join('\n');
  return doc.toString();
}
