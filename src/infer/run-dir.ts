// Run folders like YOLOv5's increment_path: `runs/<task>/exp`, then `exp2`, `exp3`, ... the first
// that does not exist yet, or `exp` itself when existOk. The folder is created atomically (mkdir
// without `recursive` for the last part), so two runs started together never share one.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface RunDirOptions {
  /** parent folder, e.g. `runs/detect` */
  project: string;
  /** run name, e.g. `exp` */
  name: string;
  /** reuse `project/name` when it exists instead of incrementing */
  existOk?: boolean;
  /** create the folder (default true) */
  mkdir?: boolean;
}

/** The path YOLOv5's increment_path would give, without creating anything. */
export function incrementPath(p: string, existOk = false): string {
  if (existOk || !existsSync(p)) return p;
  // an existing file keeps its extension after the number (`results2.csv`); a folder gets it at the end
  const isFile = statSync(p).isFile();
  const ext = isFile ? path.extname(p) : '';
  const stem = p.slice(0, p.length - ext.length);
  for (let n = 2; ; n++) {
    const candidate = `${stem}${n}${ext}`;
    if (!existsSync(candidate)) return candidate;
  }
}

/** Creates and returns the run folder `project/name[N]`. */
export function makeRunDir(opts: RunDirOptions): string {
  const base = path.resolve(opts.project, opts.name);
  if (opts.mkdir === false) return incrementPath(base, opts.existOk);
  mkdirSync(path.dirname(base), { recursive: true });
  if (opts.existOk) {
    mkdirSync(base, { recursive: true });
    return base;
  }
  for (let attempt = 0; attempt < 1000; attempt++) {
    const candidate = incrementPath(base);
    try {
      mkdirSync(candidate);
      return candidate;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`could not create a run folder next to ${base}`);
}
