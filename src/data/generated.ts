// Files this tool generates inside a user's dataset folder, and the rule that protects the user's own:
// a file that exists is replaced only when the manifest (`.yolotrim-generated.json` in the dataset
// root) says yolotrim wrote it and its content is still what yolotrim wrote (same sha1), or when the
// caller passes `overwrite`. Every file is checked before any is written, so a refused run changes
// nothing. A path that is a symbolic link is replaced by a file, never written through.
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from './errors.js';

export const MANIFEST_FILE = '.yolotrim-generated.json';

export interface PlannedFile {
  /** relative to the dataset root, with forward slashes */
  path: string;
  content: string;
}

export interface WriteSummary {
  written: string[];
  unchanged: string[];
}

interface Manifest {
  note: string;
  files: Record<string, string>;
}

const NOTE = 'Files written by yolotrim, with their sha1. yolotrim replaces a listed file only while its content is unchanged.';

function sha1(s: string | Buffer): string {
  return createHash('sha1').update(s).digest('hex');
}

async function loadManifest(root: string): Promise<Manifest> {
  try {
    const m = JSON.parse(await readFile(path.join(root, MANIFEST_FILE), 'utf8')) as Partial<Manifest>;
    if (m && typeof m.files === 'object' && m.files !== null) return { note: NOTE, files: { ...m.files } };
  } catch {
    // missing or unreadable: nothing is known to be ours
  }
  return { note: NOTE, files: {} };
}

type Existing = { kind: 'none' } | { kind: 'link' } | { kind: 'file'; content: Buffer };

async function readExisting(file: string): Promise<Existing> {
  const st = await lstat(file).catch(() => undefined);
  if (!st) return { kind: 'none' };
  if (st.isSymbolicLink()) return { kind: 'link' };
  if (!st.isFile()) throw new DatasetError(`${file} exists and is not a file`);
  return { kind: 'file', content: await readFile(file) };
}

/** Whether `rel` holds a file yolotrim generated and nobody edited since. */
export async function isGenerated(root: string, rel: string): Promise<boolean> {
  const existing = await readExisting(path.join(root, rel));
  if (existing.kind !== 'file') return false;
  return (await loadManifest(root)).files[rel] === sha1(existing.content);
}

export async function writeGeneratedFiles(
  root: string,
  files: readonly PlannedFile[],
  options: { overwrite?: boolean } = {},
): Promise<WriteSummary> {
  const manifest = await loadManifest(root);
  const toWrite: { file: PlannedFile; replaceLink: boolean }[] = [];
  const unchanged: string[] = [];
  const conflicts: string[] = [];
  for (const f of files) {
    const existing = await readExisting(path.join(root, f.path));
    if (existing.kind === 'file' && existing.content.equals(Buffer.from(f.content))) {
      unchanged.push(f.path);
      manifest.files[f.path] = sha1(existing.content);
      continue;
    }
    const ours = existing.kind === 'file' && manifest.files[f.path] === sha1(existing.content);
    if (existing.kind !== 'none' && !ours && !options.overwrite) conflicts.push(f.path);
    toWrite.push({ file: f, replaceLink: existing.kind === 'link' });
  }
  if (conflicts.length > 0) throw conflictError(root, conflicts);
  for (const { file, replaceLink } of toWrite) {
    const target = path.join(root, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    if (replaceLink) await unlink(target);
    await writeFile(target, file.content);
    manifest.files[file.path] = sha1(file.content);
  }
  await saveManifest(root, manifest);
  return { written: toWrite.map((w) => w.file.path), unchanged };
}

async function saveManifest(root: string, manifest: Manifest): Promise<void> {
  const files = Object.fromEntries(Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  await writeFile(path.join(root, MANIFEST_FILE), `${JSON.stringify({ note: NOTE, files }, null, 1)}\n`);
}

function conflictError(root: string, conflicts: string[]): DatasetError {
  const shown = conflicts.slice(0, 5).join(', ');
  const more = conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : '';
  const what = conflicts.length === 1
    ? `${shown} exists in ${root} and was not written by yolotrim (or was edited since)`
    : `${conflicts.length} files in ${root} exist that yolotrim did not write (or that were edited since): ${shown}${more}`;
  return new DatasetError(`${what}. Nothing was written; use --overwrite to replace ${conflicts.length === 1 ? 'it' : 'them'}.`);
}
