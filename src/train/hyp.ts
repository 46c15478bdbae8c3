// Hyperparameters: YOLOv5's names and hyp.scratch-low defaults; a user's hyp yaml overrides them.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../paths.js';

export interface Hyp {
  lr0: number; lrf: number; momentum: number; weight_decay: number;
  warmup_epochs: number; warmup_momentum: number; warmup_bias_lr: number;
  box: number; cls: number; cls_pw: number; obj: number; obj_pw: number; iou_t: number; anchor_t: number; fl_gamma: number;
  hsv_h: number; hsv_s: number; hsv_v: number; degrees: number; translate: number; scale: number; shear: number; perspective: number;
  flipud: number; fliplr: number; mosaic: number; mixup: number; copy_paste: number;
  label_smoothing?: number;
}

export class HypError extends Error {
  override name = 'DataError';
}

export const DEFAULT_HYP_FILE = path.join(packageRoot, 'configs', 'hyps', 'hyp.scratch-low.yaml');

function readYaml(file: string): Record<string, unknown> {
  try {
    const doc = parse(readFileSync(file, 'utf8')) as unknown;
    if (!doc || typeof doc !== 'object') throw new Error('not a mapping');
    return doc as Record<string, unknown>;
  } catch (e) {
    throw new HypError(`${file}: not a hyperparameter yaml (${(e as Error).message.split('\n')[0]})`);
  }
}

/** The defaults, overridden by a hyp yaml (a file, or a shipped name like hyp.scratch-low.yaml). */
export function loadHyp(fileOrName?: string): Hyp {
  const defaults = readYaml(DEFAULT_HYP_FILE) as unknown as Hyp;
  if (!fileOrName) return defaults;
  const file = existsSync(fileOrName) ? fileOrName : path.join(packageRoot, 'configs', 'hyps', path.basename(fileOrName));
  if (!existsSync(file)) throw new HypError(`hyperparameter yaml not found: ${fileOrName}`);
  const user = readYaml(file);
  for (const [k, v] of Object.entries(user)) {
    if (!(k in defaults)) throw new HypError(`${file}: unknown hyperparameter '${k}'`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new HypError(`${file}: '${k}' must be a number, got ${JSON.stringify(v)}`);
  }
  return { ...defaults, ...(user as Partial<Hyp>) };
}
