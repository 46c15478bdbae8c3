// Makes docs/review.png: twelve fruit photos and bus.jpg auto-labelled by yolov5n at 320, served by
// `review`, shown in headless Chromium with one box selected. Not a test; run it by hand:
//   node --import tsx test/review/screenshot.ts
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { autolabel } from '../../src/infer/autolabel.js';
import { startReviewServer } from '../../src/review/server.js';
import { FRUIT, SHARED } from '../helpers/fruit.js';
import { launchChromium } from './helpers.js';

const out = path.resolve(import.meta.dirname, '../../docs/review.png');
const root = mkdtempSync(path.join(tmpdir(), 'yt-shot-'));
mkdirSync(path.join(root, 'images'));
const photos = ['mixed_3', 'mixed_5', 'mixed_7', 'apple_2', 'apple_7', 'banana_2', 'banana_5', 'orange_2', 'orange_6', 'orange_9', 'mixed_11', 'mixed_12'];
for (const id of photos) symlinkSync(path.join(FRUIT, 'images', `${id}.jpg`), path.join(root, 'images', `${id}.jpg`));
symlinkSync(path.join(SHARED, 'reference/yolov5n_coco_320/bus.jpg'), path.join(root, 'images/bus.jpg'));
await autolabel({ weights: path.join(SHARED, 'weights/yolov5n.pt'), source: path.join(root, 'images'), out: path.join(root, 'Annotations'), img: 320, nosave: true });

const server = await startReviewServer({ root });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.locator('#image-list li').first().waitFor();
  await page.locator('#image-list li[data-id="mixed_3"]').click();
  await page.locator('#image-name', { hasText: 'mixed_3.jpg' }).waitFor();
  await page.locator('#overlay rect.box').first().waitFor();
  await page.keyboard.press('Tab');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
