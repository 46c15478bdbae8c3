// The review tests' fixtures. A small VOC folder: bus.jpg with four boxes (three with a confidence), two
// fruit photos (one without boxes, one with a human-made box), a malformed xml, and a secret file
// next to the dataset that no request may read.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { formatVoc, type VocObject } from '../../src/data/formats/voc.js';
import { FRUIT, SHARED } from '../helpers/fruit.js';

export const SECRET = 'top secret: never served';

export function obj(name: string, xmin: number, ymin: number, xmax: number, ymax: number, conf?: number): VocObject {
  return { name, pose: 'Unspecified', truncated: false, difficult: false, bndbox: { xmin, ymin, xmax, ymax, ...(conf === undefined ? {} : { conf }) } };
}

export const BUS_OBJECTS = [
  obj('person', 50, 400, 240, 900, 0.86),
  obj('bus', 20, 230, 800, 770, 0.84),
  obj('person', 670, 360, 810, 870, 0.41),
  obj('person', 220, 400, 350, 860),
];

/** Returns the dataset folder (inside a temp folder that also holds secret.txt). */
export function makeDataset(): string {
  const work = mkdtempSync(path.join(tmpdir(), 'yt-review-'));
  writeFileSync(path.join(work, 'secret.txt'), SECRET);
  const root = path.join(work, 'dataset');
  for (const d of ['Annotations', 'images']) mkdirSync(path.join(root, d), { recursive: true });
  copyFileSync(path.join(SHARED, 'reference/yolov5n_coco_320/bus.jpg'), path.join(root, 'images/bus.jpg'));
  copyFileSync(path.join(FRUIT, 'images/apple_2.jpg'), path.join(root, 'images/apple.2.jpg'));
  copyFileSync(path.join(FRUIT, 'images/orange_2.jpg'), path.join(root, 'images/orange_2.jpg'));
  copyFileSync(path.join(FRUIT, 'images/banana_1.jpg'), path.join(root, 'images/banana_1.jpg'));
  const voc = (filename: string, width: number, height: number, objects: VocObject[]) => formatVoc({ folder: 'images', filename, size: { width, height, depth: 3 }, objects });
  writeFileSync(path.join(root, 'Annotations/bus.xml'), voc('bus.jpg', 810, 1080, BUS_OBJECTS));
  writeFileSync(path.join(root, 'Annotations/apple.2.xml'), voc('apple.2.jpg', 250, 250, []));
  writeFileSync(path.join(root, 'Annotations/orange_2.xml'), voc('orange_2.jpg', 670, 584, [obj('orange', 10, 10, 300, 300, 0.95)]));
  writeFileSync(path.join(root, 'Annotations/banana_1.xml'), '<annotation><object><name>banana</name>');
  return root;
}

export interface RawResponse {
  status: number;
  body: string;
}

/** A request with the path sent exactly as given (no URL normalisation), and optional headers. */
export function rawRequest(url: string, rawPath: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A fresh headless Chromium (its own profile folder); fails with what to install when it is missing. */
export async function launchChromium(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    assert.fail(`${CHROMIUM} is missing: the review page's browser tests need Debian's chromium package (apt-get install -y chromium; .ci/run installs it)`);
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'yt-chromium-'));
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 800 } });
}
