// `detect` as YOLOv5's detect.py does it: predictions for every image of a source, saved to a run
// folder (runs/detect/exp, exp2, ...) as annotated images and, with saveTxt, labels/<stem>.txt in YOLO
// format (boxes rounded to whole original pixels first, like detect.py); one line per image and a
// speed summary go to the reporter.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatLabels, type YoloLabel } from '../data/formats/yolo-txt.js';
import { xyxyToXywhn } from './boxes.js';
import { annotatedPath, saveAnnotated, type DrawnBox, type DrawOptions } from './draw.js';
import { meanSpeed, Predictor, sourceFiles, type ImagePrediction, type PredictOptions, type Speed } from './predict.js';
import { roundHalfEven } from '../eval/numeric.js';
import { makeRunDir } from './run-dir.js';

export interface DetectOptions extends PredictOptions, DrawOptions {
  /** runs/detect */
  project?: string;
  /** exp */
  name?: string;
  existOk?: boolean;
  /** do not save annotated images */
  nosave?: boolean;
  /** save labels/<stem>.txt */
  saveTxt?: boolean;
  /** add the confidence to each label line */
  saveConf?: boolean;
}

export interface DetectReporter {
  /** progress and results (stdout) */
  info(line: string): void;
  /** skipped images and other warnings (stderr) */
  warn(line: string): void;
}

export interface DetectSummary {
  saveDir: string;
  images: number;
  skipped: number;
  /** label files written */
  labels: number;
  speed: Speed;
  imgSize: [number, number];
}

/** detect.py's `.round()`: whole pixels, halves to even. */
export function roundBox(box: readonly number[]): [number, number, number, number] {
  return [roundHalfEven(box[0]!), roundHalfEven(box[1]!), roundHalfEven(box[2]!), roundHalfEven(box[3]!)];
}

/** The label file's lines for one image's predictions, normalised to the original image. */
export function labelsOf(p: Pick<ImagePrediction, 'detections' | 'width' | 'height'>, saveConf = false): YoloLabel[] {
  return p.detections.map((d) => {
    const [cx, cy, w, h] = xyxyToXywhn(roundBox(d.box), p.width, p.height);
    return saveConf ? { cls: d.cls, cx, cy, w, h, conf: d.conf } : { cls: d.cls, cx, cy, w, h };
  });
}

/** `2 persons, 1 bus, ` (classes in id order), or `(no detections), `. */
export function countsText(p: Pick<ImagePrediction, 'detections'>, names: readonly string[]): string {
  const counts = new Map<number, number>();
  for (const d of p.detections) counts.set(d.cls, (counts.get(d.cls) ?? 0) + 1);
  if (counts.size === 0) return '(no detections), ';
  return [...counts].sort(([a], [b]) => a - b).map(([c, n]) => `${n} ${names[c] ?? c}${n > 1 ? 's' : ''}, `).join('');
}

const ms = (v: number): string => `${v.toFixed(1)}ms`;

export function imageLine(p: ImagePrediction, names: readonly string[]): string {
  const { pre, inference, nms } = p.speed;
  return `image ${p.index}/${p.total} ${p.path}: ${p.inputShape[0]}x${p.inputShape[1]} ${countsText(p, names)}Done. (pre ${ms(pre)}, inference ${ms(inference)}, NMS ${ms(nms)})`;
}

export function speedLine(speed: Speed, imgSize: readonly [number, number]): string {
  return `Speed: ${ms(speed.pre)} pre-process, ${ms(speed.inference)} inference, ${ms(speed.nms)} NMS per image at shape (1, 3, ${imgSize[0]}, ${imgSize[1]})`;
}

function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

async function saveOutputs(p: ImagePrediction, o: DetectOptions, saveDir: string, names: readonly string[]): Promise<boolean> {
  let wroteLabels = false;
  if (o.saveTxt && p.detections.length > 0) {
    const stem = path.basename(p.path, path.extname(p.path));
    writeFileSync(path.join(saveDir, 'labels', `${stem}.txt`), formatLabels(labelsOf(p, o.saveConf)));
    wroteLabels = true;
  }
  if (!o.nosave && p.image) {
    const boxes: DrawnBox[] = p.detections.map((d) => ({ box: roundBox(d.box), cls: d.cls, conf: d.conf }));
    await saveAnnotated(annotatedPath(saveDir, p.path), p.image, boxes, names, o);
  }
  return wroteLabels;
}

/** Runs detection over `opts.source` and saves the results; returns where and how much. */
export async function runDetect(opts: DetectOptions, report: DetectReporter): Promise<DetectSummary> {
  const { files, ignored } = sourceFiles(opts.source);
  for (const f of ignored) report.warn(`${f}: not an image file name, left out`);
  const predictor = await Predictor.open({ ...opts, keepImages: !opts.nosave });
  if (predictor.notice) report.warn(predictor.notice);
  try {
    const saveDir = makeRunDir({ project: opts.project ?? 'runs/detect', name: opts.name ?? 'exp', existOk: opts.existOk });
    if (opts.saveTxt) mkdirSync(path.join(saveDir, 'labels'), { recursive: true });
    const done: ImagePrediction[] = [];
    let skipped = 0;
    let labels = 0;
    for await (const ev of predictor.predictFiles(files)) {
      if (ev.kind === 'skipped') {
        skipped++;
        report.warn(`image ${ev.index}/${ev.total} ${ev.path}: skipped, cannot read the image (${ev.reason})`);
        continue;
      }
      if (await saveOutputs(ev, opts, saveDir, predictor.names)) labels++;
      report.info(imageLine(ev, predictor.names));
      ev.image = undefined;
      done.push(ev);
    }
    const speed = meanSpeed(done);
    report.info(speedLine(speed, predictor.imgSize));
    if (skipped > 0) report.warn(`${skipped} of ${files.length} images skipped (unreadable)`);
    if (opts.saveTxt || !opts.nosave) report.info(`Results saved to ${displayPath(saveDir)}`);
    if (opts.saveTxt) report.info(`${labels} labels saved to ${displayPath(path.join(saveDir, 'labels'))}`);
    return { saveDir, images: done.length, skipped, labels, speed, imgSize: predictor.imgSize };
  } finally {
    await predictor.dispose();
  }
}
