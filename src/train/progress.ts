// The per-epoch progress display: a live bar on a terminal (cli-progress, on stderr), one summary
// line per epoch otherwise (CI logs), with YOLOv5's columns.
import cliProgress from 'cli-progress';

export interface EpochProgress {
  update(epoch: number, i: number, n: number, losses: number[], instances: number, size: number): void;
  stop(): void;
}

export function header(extra: string[] = []): string {
  return ['Epoch', 'box_loss', 'obj_loss', 'cls_loss', ...extra, 'Instances', 'Size'].map((c) => c.padStart(11)).join('');
}

function row(epoch: number, epochs: number, losses: number[], instances: number, size: number): string {
  return [`${epoch}/${epochs - 1}`, ...losses.map((l) => l.toFixed(4)), String(instances), String(size)].map((c) => c.padStart(11)).join('');
}

export function epochProgress(epochs: number, log: (s: string) => void, stream: NodeJS.WriteStream = process.stderr): EpochProgress {
  let bar: cliProgress.SingleBar | null = null;
  let started = 0;
  let current = -1;
  let lastLine = '';
  const finish = () => {
    if (bar) bar.stop();
    else if (lastLine) log(lastLine);
    bar = null;
    lastLine = '';
  };
  return {
    update(epoch, i, n, losses, instances, size) {
      if (epoch !== current) {
        finish();
        current = epoch;
        started = performance.now();
        if (stream.isTTY) {
          bar = new cliProgress.SingleBar({ format: '{row} |{bar}| {value}/{total} [{rate} it/s, eta {eta_formatted}]', stream, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
          bar.start(n, 0, { row: '', rate: '0.0' });
        }
      }
      const secs = (performance.now() - started) / 1000;
      const text = row(epoch, epochs, losses, instances, size);
      bar?.update(i, { row: text, rate: (i / Math.max(secs, 1e-9)).toFixed(2) });
      lastLine = `${text}  ${i}/${n} batches, ${secs.toFixed(1)} s (${(secs / Math.max(i, 1)).toFixed(2)} s/it)`;
      if (i === n) finish();
    },
    stop: finish,
  };
}
