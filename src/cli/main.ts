// The CLI: builds the command tree and is the one place that turns errors into messages and exit codes.
// Exit codes: 0 done, 1 failed (bad input, runtime error), 2 usage error.
import { Command, CommanderError } from 'commander';
import { UserError } from './errors.js';
import { registerInfo } from './commands/info.js';
import { registerVal } from './commands/val.js';
import { registerTrain } from './commands/train.js';
import { registerDistill } from './commands/distill.js';
import { registerDemo } from './commands/demo.js';
import { registerDetect } from './commands/detect.js';
import { registerDataset } from './commands/dataset.js';
import { registerExport } from './commands/export.js';
import { registerPrune } from './commands/prune.js';
import { registerLabel } from './commands/label.js';
import { registerReview } from './commands/review.js';

export function buildProgram(): Command {
  const program = new Command('yolotrim')
    .description('Train, prune, fine-tune, distill, export and auto-label YOLOv5 detectors')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerInfo(program);
  registerTrain(program);
  registerVal(program);
  registerDistill(program);
  registerDemo(program);
  registerDetect(program);
  registerDataset(program);
  registerExport(program);
  registerPrune(program);
  registerLabel(program);
  registerReview(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

// Errors about the user's input or environment: a one-line message, no stack (YOLOTRIM_DEBUG=1 shows it).
const INPUT_ERRORS = new Set([
  'TorchError', 'NativeLoadError', 'CheckpointError', 'SpecError', 'SafetensorsError', 'PtImportError',
  'UnsafeGlobalError', 'PickleError', 'ZipError', 'DataError', 'EngineError', 'OnnxExportError', 'AllowlistError',
  'AutolabelError', 'BmpError', 'DatasetError', 'HistoryError', 'ImageDecodeError', 'ImageReadError', 'InterruptedError',
  'NonFiniteLossError', 'DeviceError', 'DistError', 'DataParallelError', 'LaunchConfigError', 'PredictError', 'PruneError', 'SelectionError', 'SourceError', 'StoreError', 'VocParseError',
]);

export function describeError(e: unknown): { message: string; exitCode: number; showStack: boolean } {
  if (e instanceof UserError) return { message: e.message, exitCode: e.exitCode, showStack: false };
  if (e instanceof Error && INPUT_ERRORS.has(e.name)) {
    // Ctrl-C during training: the shell's code for a SIGINT ending (128 + 2)
    return { message: e.message, exitCode: e.name === 'InterruptedError' ? 130 : 1, showStack: Boolean(process.env.YOLOTRIM_DEBUG) };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { message: `internal error: ${message}`, exitCode: 1, showStack: true };
}

// YOLOv5 spells some flags several ways; the commands define one of each.
const FLAG_ALIASES: Record<string, string> = {
  '--img-size': '--img', '--imgsz': '--img', '--t_weights': '--teacher', '--s_weights': '--student', '--t-weights': '--teacher', '--s-weights': '--student',
};

export function normalizeArgv(argv: readonly string[]): string[] {
  return argv.map((a) => {
    const [flag, ...rest] = a.split('=');
    const target = FLAG_ALIASES[flag!];
    return target ? [target, ...rest].join('=') : a;
  });
}

export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  argv = normalizeArgv(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed the message (or the help/version text)
      return e.exitCode === 0 ? 0 : 2;
    }
    const { message, exitCode, showStack } = describeError(e);
    process.stderr.write(`yolotrim: ${message}\n`);
    if (showStack && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return exitCode;
  }
}
