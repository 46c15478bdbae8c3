// `yolotrim dataset check`: a YOLOv5 data yaml (`data`) or a Pascal VOC folder (`root`), reported
// as counts and issues; a report with errors should fail the command (exit code 1).
import { DatasetError } from './errors.js';
import { checkVocFolder } from './check-voc.js';
import { checkYoloData } from './check-yolo.js';
import type { CheckOptions, CheckReport } from './check-report.js';

export type { CheckOptions, CheckReport, ClassCount } from './check-report.js';

export async function checkDataset(target: { data?: string; root?: string }, options: CheckOptions = {}): Promise<CheckReport> {
  if ((target.data === undefined) === (target.root === undefined)) {
    throw new DatasetError('check needs either a data yaml or a VOC root folder (exactly one)');
  }
  return target.data !== undefined ? checkYoloData(target.data, options) : checkVocFolder(target.root!, options);
}
