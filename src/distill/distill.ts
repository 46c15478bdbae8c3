// distill(): training of a (pruned) student with the hard YOLOv5 loss plus distillation from a
// trained teacher; every train option applies, results go to runs/distill/exp.
import { train, type TrainOptions, type TrainResult } from '../train/train.js';
import { Teacher } from './teacher.js';
import { makeDistiller, type KdMode } from './kd.js';

export interface DistillOptions extends Omit<TrainOptions, 'weights' | 'cfg' | 'extraLoss'> {
  teacher: string;
  student: string;
  kd: KdMode;
  kdWeight: number;
  kdTemperature: number;
  kdFeatureWeight: number;
}

export async function distill(o: DistillOptions): Promise<TrainResult> {
  const quiet = o.group !== undefined && !o.group.isMain; // data parallel: rank 0 speaks for the group
  const log = quiet ? () => {} : o.log ?? ((s: string) => console.log(s));
  const teacher = Teacher.load(o.teacher);
  log(`teacher: ${o.teacher} (${teacher.model.store.numParameters()} parameters, weights loaded), distillation: ${o.kd}, weight ${o.kdWeight}, temperature ${o.kdTemperature}`);
  try {
    return await train({
      ...o,
      weights: o.student,
      extraLoss: (student, gains) => makeDistiller(teacher, student, {
        mode: o.kd, weight: o.kdWeight, temperature: o.kdTemperature, featureWeight: o.kdFeatureWeight, gains,
      }),
    });
  } finally {
    teacher.dispose();
  }
}
