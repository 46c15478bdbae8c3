// The flags detect and label share, with YOLOv5's spellings and defaults.
import { Option, type Command } from 'commander';
import { parseFloatArg, parseIntArg } from './args.js';

/** What commander gives for the shared flags (numbers parsed, lists as strings), plus --weights/--source. */
export interface RawInferenceOptions {
  weights: string;
  source: string;
  img?: string[];
  imgsz?: string[];
  imgSize?: string[];
  confThres: number;
  iouThres: number;
  maxDet: number;
  classes?: string[];
  agnosticNms?: boolean;
  nosave?: boolean;
  project: string;
  name: string;
  existOk?: boolean;
  device: string;
}

/** --img (and the hidden --imgsz / --img-size), --conf-thres, --max-det, --agnostic-nms. */
export function addInferenceFlags(cmd: Command): Command {
  return cmd
    .option('--img <size...>', 'inference size h,w (default 640)')
    .addOption(new Option('--imgsz <size...>').hideHelp())
    .addOption(new Option('--img-size <size...>').hideHelp())
    .option('--conf-thres <f>', 'confidence threshold', parseFloatArg('--conf-thres', 0, 1), 0.25)
    .option('--max-det <n>', 'maximum detections per image', parseIntArg('--max-det', 1), 1000)
    .option('--agnostic-nms', 'class-agnostic NMS');
}

/** --project (default given), --name exp, --exist-ok, --device. */
export function addRunFlags(cmd: Command, project: string, what: string): Command {
  return cmd
    .option('--project <dir>', `save ${what} to project/name`, project)
    .option('--name <name>', `save ${what} to project/name`, 'exp')
    .option('--exist-ok', 'existing project/name ok, do not increment')
    .option('--device <device>', 'cpu', '');
}
