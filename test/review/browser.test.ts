// The review page in a real headless Chromium (Debian's `chromium`, driven by playwright-core): open
// the page, open bus.jpg from the list, drag a box corner, delete a box, draw a box, change its class
// with a digit key, save with `s`, and check the xml on disk. Chromium is installed by .ci/run; when it
// is missing this test fails (it does not skip).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { parseVoc } from '../../src/data/formats/voc.js';
import { startReviewServer } from '../../src/review/server.js';
import { STATE_FILE } from '../../src/review/store.js';
import { BUS_OBJECTS, launchChromium, makeDataset } from './helpers.js';

/** Screen coordinates of an image pixel, from where the overlay is drawn. */
async function screenOf(page: Page, x: number, y: number, width = 810, height = 1080): Promise<{ x: number; y: number; scale: number }> {
  const r = (await page.locator('#overlay').boundingBox())!;
  return { x: r.x + (x / width) * r.width, y: r.y + (y / height) * r.height, scale: r.width / width };
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

async function center(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const b = (await page.locator(selector).boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

test('review page in Chromium: resize, delete, add, change class, save', async (t) => {
  const root = makeDataset();
  const server = await startReviewServer({ root });
  t.after(() => server.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const failed: string[] = [];
  page.on('pageerror', (e) => failed.push(e.message));
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  await page.goto(server.url);

  // the list, lowest confidence first; the malformed xml opens as an error banner, not a crash
  await page.locator('#image-list li').nth(3).waitFor();
  assert.deepEqual(await page.locator('#image-list li .id').allTextContents(), ['banana_1', 'bus', 'orange_2', 'apple.2']);
  await page.locator('#banner', { hasText: 'cannot read the xml' }).waitFor();

  await page.locator('#image-list li[data-id="bus"]').click();
  await page.locator('#image-name', { hasText: 'bus.jpg' }).waitFor();
  assert.equal(await page.locator('#overlay rect.box').count(), 4);
  assert.equal(await page.locator('#banner').isHidden(), true);

  // drag the bottom-right corner of the first person box by (+40, +30) screen pixels
  await page.locator('#overlay rect.box[data-index="0"]').click({ position: { x: 10, y: 10 } });
  const se = await center(page, '#overlay rect.handle[data-handle="se"]');
  await drag(page, se, { x: se.x + 40, y: se.y + 30 });
  const { scale } = await screenOf(page, 0, 0);
  const moved = { xmax: 240 + 40 / scale, ymax: 900 + 30 / scale };

  // delete the low-confidence person on the right
  await page.locator('#overlay rect.box[data-index="2"]').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Delete');
  assert.equal(await page.locator('#overlay rect.box').count(), 3);

  // draw a new box below the bus as a person, then make it an orange with its digit key
  await page.selectOption('#box-class', 'person');
  const a = await screenOf(page, 100, 980);
  const b = await screenOf(page, 300, 1060);
  await drag(page, a, b);
  assert.equal(await page.locator('#overlay rect.box').count(), 4);
  const classes = await page.locator('#box-class option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  await page.keyboard.press(String(classes.indexOf('orange') + 1));
  await page.keyboard.press('s');
  await page.locator('#status', { hasText: 'Saved Annotations/bus.xml (4 boxes)' }).waitFor();
  assert.match(await page.locator('#image-list li[data-id="bus"]').innerText(), /✓/);

  const xml = path.join(root, 'Annotations/bus.xml');
  const objects = parseVoc(readFileSync(xml, 'utf8')).annotation.objects;
  assert.deepEqual(objects.map((o) => o.name), ['person', 'bus', 'person', 'orange']);
  assert.ok(objects.every((o) => o.bndbox.conf === undefined), 'confirmed boxes have no <conf>');
  const near = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 2, `${what}: ${got}, expected ${want.toFixed(1)}`);
  const [p0, bus, p3, orange] = objects as [typeof objects[0], typeof objects[0], typeof objects[0], typeof objects[0]];
  assert.deepEqual([p0.bndbox.xmin, p0.bndbox.ymin], [50, 400], 'the corner drag leaves the other corner');
  near(p0.bndbox.xmax, moved.xmax, 'dragged xmax');
  near(p0.bndbox.ymax, moved.ymax, 'dragged ymax');
  const { conf: _c1, ...busBox } = BUS_OBJECTS[1]!.bndbox;
  const { conf: _c3, ...p3Box } = BUS_OBJECTS[3]!.bndbox;
  assert.deepEqual([bus.bndbox, p3.bndbox], [busBox, p3Box]);
  near(orange.bndbox.xmin, 100, 'new xmin');
  near(orange.bndbox.ymin, 980, 'new ymin');
  near(orange.bndbox.xmax, 300, 'new xmax');
  near(orange.bndbox.ymax, 1060, 'new ymax');
  assert.ok(existsSync(`${xml}.orig`), 'a backup of the first version');
  assert.ok('bus' in JSON.parse(readFileSync(path.join(root, STATE_FILE), 'utf8')).reviewed);

  // next image with the arrow key
  await page.keyboard.press('ArrowRight');
  await page.locator('#image-name', { hasText: 'orange_2.jpg' }).waitFor();
  assert.deepEqual(failed, [], 'no page errors or failed requests');
});
