// `yolotrim review`: serve the local page to review and correct a VOC folder's boxes (src/review/).
import type { Command } from 'commander';
import { UsageError, UserError } from '../errors.js';
import { parseIntArg } from '../args.js';
import { parseClassList } from './dataset.js';

interface RawReviewOptions {
  root?: string;
  port: number;
  classes?: string;
}

export function reviewOptionsFrom(raw: RawReviewOptions): { root: string; port: number; classes: string[] } {
  if (!raw.root) throw new UsageError('--root <folder> is required (the folder with Annotations/ and images/)');
  return { root: raw.root, port: raw.port, classes: raw.classes === undefined ? [] : parseClassList(raw.classes) };
}

/** Resolves on Ctrl+C (or SIGTERM). */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function registerReview(program: Command): void {
  program
    .command('review')
    .description('serve a local web page (127.0.0.1 only) to review and correct the boxes of a Pascal VOC folder')
    .option('--root <folder>', 'the dataset folder, with Annotations/*.xml and images/')
    .option('--port <n>', 'port to listen on (0: any free port)', parseIntArg('--port', 0, 65535), 0)
    .option('--classes <names>', 'class names offered first, comma separated (the names in the xml files are added)')
    .action(async (raw: RawReviewOptions) => {
      const { root, port, classes } = reviewOptionsFrom(raw);
      const { startReviewServer } = await import('../../review/server.js');
      let server;
      try {
        server = await startReviewServer({ root, port, classes });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new UserError(`port ${port} is in use; choose another with --port (0 picks a free one)`);
        if (e instanceof Error && e.name === 'DatasetError') throw new UserError(e.message);
        throw e;
      }
      process.stdout.write(`Reviewing ${server.store.root}\nOpen ${server.url} in your browser (Ctrl+C to stop)\n`);
      await untilStopped();
      await server.close();
    });
}
