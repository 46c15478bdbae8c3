// The review page's local web server (node:http, bound to 127.0.0.1 only): the page's own files, the
// image list, one image's annotation, saving it, and the images. Paths never come from the URL: the
// page files are a fixed table, and everything else is looked up by image id through the store,
// which refuses ids that would lead outside the dataset. Requests must name this server as their
// Host (against DNS rebinding), and writes must come from its own page (Origin) as JSON.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { packageRoot } from '../paths.js';
import { ReviewStore, StoreError, checkId } from './store.js';

export const PAGE_DIR = path.join(packageRoot, 'src', 'review', 'page');

const PAGE_FILES: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

const IMAGE_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.mpo': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp',
  '.gif': 'image/gif', '.avif': 'image/avif', '.bmp': 'image/bmp',
};

/** Largest request body accepted (a save of a few thousand boxes fits easily). */
const MAX_BODY = 4 * 1024 * 1024;

export interface ReviewServerOptions {
  /** the dataset folder, with Annotations/ and images/ */
  root: string;
  /** 0 (default): any free port */
  port?: number;
  /** class names offered first in the page */
  classes?: readonly string[];
}

export interface ReviewServer {
  url: string;
  store: ReviewStore;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'expected application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new HttpError(413, 'request too large');
    chunks.push(c);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'the body is not a JSON object');
}

/** The decoded path segments; a `..` or `.` segment anywhere (raw or %-encoded) is refused. */
export function pathSegments(rawUrl: string): string[] {
  const pathname = rawUrl.split(/[?#]/)[0] ?? '/';
  let segs: string[];
  try {
    segs = pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new HttpError(400, 'malformed url');
  }
  if (segs.some((s) => s === '..' || s === '.' || s.includes('/') || s.includes('\\'))) throw new HttpError(403, 'refused: the path leads outside the dataset');
  return segs;
}

async function sendImage(res: http.ServerResponse, file: string): Promise<void> {
  const type = IMAGE_TYPES[path.extname(file).toLowerCase()];
  if (!type) {
    // tif and others browsers do not show: a PNG of it, upright
    send(res, 200, 'image/png', await sharp(file).rotate().png().toBuffer());
    return;
  }
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).on('end', resolve).pipe(res);
  });
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, segs: string[]) => Promise<void>;

function routes(store: ReviewStore): Handler {
  return async (req, res, segs) => {
    const [head, id, ...rest] = segs;
    const page = PAGE_FILES[`/${segs.join('/')}`];
    if (req.method === 'GET' && page) {
      send(res, 200, page[1], await readFile(path.join(PAGE_DIR, page[0])));
    } else if (rest.length > 0 || id === undefined) {
      throw new HttpError(404, 'not found');
    } else if (head === 'api' && id === 'images' && req.method === 'GET') {
      const images = await store.list();
      sendJson(res, 200, { root: store.root, classes: store.classes(images), images });
    } else if (head === 'annotations' && req.method === 'GET') {
      sendJson(res, 200, await store.read(checkId(id)));
    } else if (head === 'annotations' && req.method === 'PUT') {
      const body = await readJson(req);
      sendJson(res, 200, await store.save(checkId(id), body.objects, body.version ?? null));
    } else if (head === 'images' && req.method === 'GET') {
      await sendImage(res, store.imagePath(id));
    } else {
      throw new HttpError(404, 'not found');
    }
  };
}

/** Refuses requests not addressed to this server, and writes not sent by its own page. */
function checkCaller(req: http.IncomingMessage, port: number): void {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!allowed.includes(req.headers.host ?? '')) throw new HttpError(403, 'refused: wrong Host');
  const origin = req.headers.origin;
  if (req.method !== 'GET' && origin !== undefined && !allowed.some((a) => origin === `http://${a}`)) throw new HttpError(403, 'refused: wrong Origin');
}

/** Starts the server on 127.0.0.1; resolves once it listens. */
export async function startReviewServer(opts: ReviewServerOptions): Promise<ReviewServer> {
  const store = await ReviewStore.open(opts.root, opts.classes);
  const handle = routes(store);
  const server = http.createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    (async () => {
      checkCaller(req, port);
      await handle(req, res, pathSegments(req.url ?? '/'));
    })().catch((e: unknown) => {
      const status = e instanceof HttpError || e instanceof StoreError ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (res.headersSent) res.destroy();
      else sendJson(res, status, { error: status === 500 ? `internal error: ${message}` : message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
