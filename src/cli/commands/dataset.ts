// `yolotrim dataset split|convert|check`: parse the options (pure, tested), call src/data, print the result.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { UsageError, UserError } from '../errors.js';
import { DatasetError } from '../../data/errors.js';
import type { ProgressFn } from '../../data/pool.js';
import type { SplitOptions } from '../../data/split.js';

interface RawSplit {
  root?: string;
  trainval?: string;
  train?: string;
  seed?: string;
  overwrite?: boolean;
}
interface RawConvert extends RawSplit {
  classes?: string;
  keepDifficult?: boolean;
  headersOnly?: boolean;
  verbose?: boolean;
}
interface RawCheck {
  data?: string;
  root?: string;
  headersOnly?: boolean;
  verbose?: boolean;
}

export function parseFraction(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) throw new UsageError(`${flag} must be a number between 0 and 1, not "${raw}"`);
  return v;
}

export function parseSeed(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const v = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || v > 0xffffffff) throw new UsageError(`--seed must be an integer from 0 to 4294967295, not "${raw}"`);
  return v;
}

export function parseClassList(raw: string): string[] {
  const names = raw.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--classes has an empty name: "${raw}" (use a,b,c)`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new UsageError(`--classes names "${dup}" twice`);
  return names;
}

function requireRoot(raw: { root?: string }): string {
  if (!raw.root) throw new UsageError('--root <folder> is required (the folder with Annotations/ and images/)');
  return raw.root;
}

export function parseSplitArgs(raw: RawSplit): { root: string; options: SplitOptions & { overwrite: boolean } } {
  return {
    root: requireRoot(raw),
    options: {
      trainval: parseFraction('--trainval', raw.trainval, 0.9),
      train: parseFraction('--train', raw.train, 0.9),
      seed: parseSeed(raw.seed),
      overwrite: Boolean(raw.overwrite),
    },
  };
}

export function parseConvertArgs(raw: RawConvert) {
  const { root, options } = parseSplitArgs(raw);
  return {
    root,
    verbose: Boolean(raw.verbose),
    options: {
      ...options,
      ...(raw.classes !== undefined ? { classes: parseClassList(raw.classes) } : {}),
      keepDifficult: Boolean(raw.keepDifficult),
      decode: !raw.headersOnly,
    },
  };
}

export function parseCheckArgs(raw: RawCheck): { target: { data?: string; root?: string }; decode: boolean; verbose: boolean } {
  if (Boolean(raw.data) === Boolean(raw.root)) throw new UsageError('check needs --data <yaml> or --root <folder> (one of them)');
  const target = raw.data ? { data: raw.data } : { root: raw.root! };
  return { target, decode: !raw.headersOnly, verbose: Boolean(raw.verbose) };
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (the summary is printed at the end). */
function progress(): { onProgress?: ProgressFn; stop(): void } {
  if (!process.stderr.isTTY) return { stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{phase} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  return {
    onProgress: (p) => {
      if (p.phase !== phase) {
        if (phase) bar.stop();
        phase = p.phase;
        bar.start(p.total, 0, { phase });
      }
      bar.update(p.done, { phase });
    },
    stop: () => {
      if (phase) bar.stop();
    },
  };
}

/** Runs library work with a progress bar, turning DatasetError into a one-line user error. */
async function withProgress<T>(work: (onProgress?: ProgressFn) => Promise<T>): Promise<T> {
  const p = progress();
  try {
    return await work(p.onProgress);
  } catch (e) {
    if (e instanceof DatasetError) throw new UserError(e.message);
    throw e;
  } finally {
    p.stop();
  }
}

function print(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerDataset(program: Command): void {
  const dataset = program.command('dataset').description('prepare a dataset: split a Pascal VOC folder, convert it to YOLO labels, check it');
  const splitOptions = (c: Command) =>
    c
      .option('--root <folder>', 'the dataset folder, with Annotations/*.xml and images/')
      .option('--trainval <fraction>', 'share of all images in train+val (the rest is test)', '0.9')
      .option('--train <fraction>', 'share of train+val in train (the rest is val)', '0.9')
      .option('--seed <n>', 'random seed: the same seed gives the same split', '0')
      .option('--overwrite', 'replace files that yolotrim did not generate');

  splitOptions(dataset.command('split').description('write ImageSets/{trainval,train,val,test}.txt (defaults: 81/9/10)')).action(async (raw: RawSplit) => {
    const { root, options } = parseSplitArgs(raw);
    const { splitDataset } = await import('../../data/split.js');
    const { formatSplitResult } = await import('../../data/report.js');
    print(formatSplitResult(await withProgress(() => splitDataset(root, options))));
  });

  splitOptions(dataset.command('convert').description('VOC xml → labels/*.txt, train/val/test.txt and data.yaml (splits first when ImageSets/ is missing)'))
    .option('--classes <names>', 'class names in index order, comma separated (default: the names in the xml files, sorted alphabetically)')
    .option('--keep-difficult', 'keep objects marked difficult (left out by default)')
    .option('--headers-only', 'read only image headers (faster; does not find truncated images)')
    .option('--verbose', 'list every issue')
    .action(async (raw: RawConvert) => {
      const { root, options, verbose } = parseConvertArgs(raw);
      const { convertDataset } = await import('../../data/convert.js');
      const { formatConvertResult } = await import('../../data/report.js');
      const result = await withProgress((onProgress) => convertDataset(root, { ...options, onProgress }));
      print(formatConvertResult(result, { maxPerKind: verbose ? Infinity : 10 }));
    });

  dataset
    .command('check')
    .description('report class counts and problems of a data yaml (--data) or a VOC folder (--root); exit code 1 on errors')
    .option('--data <yaml>', 'a YOLOv5 data yaml: checks its image lists and label files')
    .option('--root <folder>', 'a Pascal VOC folder: checks Annotations/*.xml and images/')
    .option('--headers-only', 'read only image headers (faster; does not find truncated images)')
    .option('--verbose', 'list every issue')
    .action(async (raw: RawCheck) => {
      const { target, decode, verbose } = parseCheckArgs(raw);
      const { checkDataset } = await import('../../data/check.js');
      const { formatCheckReport } = await import('../../data/report.js');
      const report = await withProgress((onProgress) => checkDataset(target, { decode, onProgress }));
      print(formatCheckReport(report, { maxPerKind: verbose ? Infinity : 10 }));
      if (report.errors > 0) throw new UserError(`the dataset has ${report.errors} error${report.errors === 1 ? '' : 's'}`);
    });
}
