// `yolotrim distill`: train flags plus the teacher, the student and the distillation settings.
// The original tool's spellings --t_weights / --s_weights are accepted (see FLAG_ALIASES).
import type { Command } from 'commander';
import { parseFloatArg } from '../args.js';
import { UsageError } from '../errors.js';
import { checkDevice } from '../device.js';
import { addTrainFlags, trainOptionsFromFlags, type TrainFlags } from './train.js';
import { checkBatchSplit, commandLine, runDataParallel } from '../distributed.js';

interface DistillFlags extends TrainFlags {
  teacher?: string;
  student?: string;
  kd: string;
  kdWeight: number;
  kdTemperature: number;
  kdFeatureWeight: number;
}

export function registerDistill(program: Command): void {
  const cmd = program.command('distill').description('train a (pruned) student from a trained teacher: hard loss + knowledge distillation');
  addTrainFlags(cmd, 'runs/distill')
    .option('--teacher <file>', 'the trained, unpruned model (.pt or .safetensors)')
    .option('--student <file>', 'the model to train, e.g. a pruned checkpoint')
    .option('--kd <mode>', 'output (the original tool\'s method), feature (CWD on the neck) or both', 'output')
    .option('--kd-weight <w>', 'weight of the output-level term', parseFloatArg('--kd-weight', 0), 10)
    .option('--kd-temperature <t>', 'temperature of CWD and of the class logits', parseFloatArg('--kd-temperature', 1e-6), 1)
    .option('--kd-feature-weight <w>', 'weight of the feature-level term', parseFloatArg('--kd-feature-weight', 0), 1)
    .action(async (f: DistillFlags, cmd: Command) => {
      if (!f.teacher) throw new UsageError('--teacher is required (the trained model to learn from)');
      if (!f.student && !f.resume) throw new UsageError('--student is required (e.g. the pruned checkpoint)');
      if (!['output', 'feature', 'both'].includes(f.kd)) throw new UsageError(`--kd must be output, feature or both, got '${f.kd}'`);
      await checkDevice(f.device);
      const base = trainOptionsFromFlags({ ...f, weights: f.student, freeze: f.freeze ?? [0] });
      // --resume: the batch size comes from the checkpoint, and train() checks it
      const checkWorld = (world: number) => { if (!f.resume) checkBatchSplit(f.batchSize, world); };
      await runDataParallel(f, commandLine(cmd), checkWorld, async (group) => {
        const { distill } = await import('../../distill/distill.js');
        await distill({ ...base, group, teacher: f.teacher!, student: f.student ?? '', kd: f.kd as 'output', kdWeight: f.kdWeight, kdTemperature: f.kdTemperature, kdFeatureWeight: f.kdFeatureWeight });
      });
    });
}
