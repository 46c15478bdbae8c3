// What `--source` names, expanded to image files like YOLOv5's LoadImages: an image file, a folder
// (its images, not its sub-folders), a glob (`*`, `?`, `[...]`, `**` for any depth), or a `.txt` file
// listing any of these, one per line (relative entries resolve against the list's folder first, then
// the working directory). Files whose extension is not an image's are left out and reported.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isImageFileName } from '../data/images.js';

export class SourceError extends Error {
  override name = 'SourceError';
}

export interface ExpandedSource {
  /** image files, in order, each once */
  files: string[];
  /** named files that were left out because their extension is not an image's */
  ignored: string[];
}

export function isGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Expands one or more `--source` values to image files. Throws SourceError for a path that does not exist. */
export function expandSource(source: string | readonly string[], cwd = process.cwd()): ExpandedSource {
  const files: string[] = [];
  const ignored: string[] = [];
  for (const s of typeof source === 'string' ? [source] : source) expandOne(s, cwd, files, ignored, 0);
  return { files: [...new Set(files)], ignored };
}

function expandOne(entry: string, base: string, files: string[], ignored: string[], depth: number): void {
  const p = path.resolve(base, entry);
  if (isGlob(entry)) {
    const matches = globFiles(p).filter(isFile);
    files.push(...matches.filter(isImageFileName));
    return;
  }
  if (!existsSync(p)) throw new SourceError(`${entry}: no such file or folder`);
  if (statSync(p).isDirectory()) {
    files.push(...readdirSync(p).filter(isImageFileName).sort().map((f) => path.join(p, f)).filter(isFile));
  } else if (p.toLowerCase().endsWith('.txt')) {
    if (depth > 0) throw new SourceError(`${entry}: a .txt list inside a .txt list is not supported`);
    for (const line of listEntries(p)) {
      const inListDir = path.resolve(path.dirname(p), line);
      expandOne(line, isGlob(line) || existsSync(inListDir) ? path.dirname(p) : base, files, ignored, depth + 1);
    }
  } else if (isImageFileName(p)) {
    files.push(p);
  } else {
    ignored.push(p);
  }
}

function listEntries(file: string): string[] {
  return readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A glob segment as a regular expression; like Python's glob, wildcards do not match a leading dot. */
function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      const body = seg.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${seg.startsWith('.') ? '' : '(?!\\.)'}${re}$`);
}

/** Every existing path matching an absolute glob pattern, sorted. */
export function globFiles(pattern: string): string[] {
  const { root } = path.parse(pattern);
  const segs = pattern.slice(root.length).split(/[\\/]+/).filter(Boolean);
  const out: string[] = [];
  walk(root, segs, out);
  return [...new Set(out)].sort();
}

function walk(dir: string, segs: readonly string[], out: string[]): void {
  if (segs.length === 0) {
    out.push(dir);
    return;
  }
  const [seg, ...rest] = segs as [string, ...string[]];
  if (seg === '**') {
    walk(dir, rest, out);
    for (const sub of listDir(dir)) if (!sub.startsWith('.') && isDir(path.join(dir, sub))) walk(path.join(dir, sub), segs, out);
    return;
  }
  if (!isGlob(seg)) {
    const next = path.join(dir, seg);
    if (existsSync(next)) walk(next, rest, out);
    return;
  }
  const re = segmentRegExp(seg);
  for (const name of listDir(dir)) if (re.test(name)) walk(path.join(dir, name), rest, out);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
