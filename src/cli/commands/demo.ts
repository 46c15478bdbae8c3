// `yolotrim demo`: the README's main command — the whole workflow on a generated sample.
import type { Command } from 'commander';
import { parseIntArg } from '../args.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole workflow end to end (train, prune, fine-tune, distill, detect) and write runs/demo/report.html')
    .option('--quick', 'a small, fast run (CI): tiny sample, 1-2 epochs per stage')
    .option('--weights <file>', 'start from your own trained model instead of training one')
    .option('--data <yaml>', 'use your own dataset yaml instead of the generated sample')
    .option('--epochs <n>', 'training epochs of the baseline', parseIntArg('--epochs', 1))
    .option('--img <px>', 'image size', parseIntArg('--img', 32))
    .option('--out <dir>', 'output folder', 'runs/demo')
    .action(async (f: { quick?: boolean; weights?: string; data?: string; epochs?: number; img?: number; out: string }) => {
      const { demo } = await import('../../demo/run.js');
      await demo({ quick: Boolean(f.quick), weights: f.weights, data: f.data, epochs: f.epochs, img: f.img, out: f.out });
    });
}
