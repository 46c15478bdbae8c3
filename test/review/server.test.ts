// The review server without a browser: the list (lowest confidence first, a malformed xml as that
// image's error), one annotation, saving (atomic, one-time .orig, conf dropped, reviewed state,
// stale versions refused), and every way of asking for a path outside the dataset refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseVoc } from '../../src/data/formats/voc.js';
import { startReviewServer } from '../../src/review/server.js';
import { STATE_FILE, checkId, confirmedObjects, type ImageEntry } from '../../src/review/store.js';
import { reviewOptionsFrom } from '../../src/cli/commands/review.js';
import { BUS_OBJECTS, SECRET, makeDataset, rawRequest } from './helpers.js';

async function json<T>(res: Response): Promise<T> {
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  return (await res.json()) as T;
}

test('list, read and save through the HTTP API', async (t) => {
  const root = makeDataset();
  const server = await startReviewServer({ root, classes: ['person', 'dog'] });
  t.after(() => server.close());
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);

  const page = await fetch(server.url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="\/app\.js"><\/script>/);
  for (const f of ['app.js', 'style.css']) assert.equal((await fetch(server.url + f)).status, 200);

  const list = await json<{ classes: string[]; images: ImageEntry[] }>(await fetch(`${server.url}api/images`));
  assert.deepEqual(list.images.map((e) => e.id), ['banana_1', 'bus', 'orange_2', 'apple.2'], 'malformed first, then lowest confidence, then no confidence');
  assert.match(list.images[0]!.error!, /^cannot read the xml: not well-formed xml/);
  assert.deepEqual([list.images[1]!.objects, list.images[1]!.minConf, list.images[1]!.classes], [4, 0.41, ['person', 'bus']]);
  assert.deepEqual([list.images[3]!.objects, list.images[3]!.minConf, list.images[3]!.image], [0, null, 'apple.2.jpg']);
  assert.deepEqual(list.classes, ['person', 'dog', 'bus', 'orange']);

  const bad = await json<{ error: string; objects: unknown[]; version: string }>(await fetch(`${server.url}annotations/banana_1`));
  assert.match(bad.error, /not well-formed xml/);
  assert.deepEqual(bad.objects, []);

  const view = await json<{ objects: unknown[]; version: string; reviewed: boolean }>(await fetch(`${server.url}annotations/bus`));
  assert.deepEqual([view.objects, view.reviewed], [BUS_OBJECTS, false]);
  const img = await fetch(`${server.url}images/bus`);
  assert.deepEqual([img.status, img.headers.get('content-type')], [200, 'image/jpeg']);
  assert.equal(Buffer.from(await img.arrayBuffer()).length, readFileSync(path.join(root, 'images/bus.jpg')).length);

  const xml = path.join(root, 'Annotations/bus.xml');
  const original = readFileSync(xml, 'utf8');
  const put = (body: unknown) => fetch(`${server.url}annotations/bus`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const objects = [{ ...BUS_OBJECTS[0]!, ...BUS_OBJECTS[0]!.bndbox, xmax: 250.4 }, { name: 'dog', xmin: -5, ymin: 1000, xmax: 100.6, ymax: 1100 }];
  const saved = await put({ objects, version: view.version });
  assert.equal(saved.status, 200, await saved.clone().text());
  assert.deepEqual(((await saved.json()) as ImageEntry).reviewed, true);
  const written = parseVoc(readFileSync(xml, 'utf8')).annotation;
  assert.deepEqual(written.objects.map((o) => [o.name, o.bndbox]), [
    ['person', { xmin: 50, ymin: 400, xmax: 250, ymax: 900 }],
    ['dog', { xmin: 0, ymin: 1000, xmax: 101, ymax: 1080 }],
  ], 'whole pixels inside the image, no confidence');
  assert.deepEqual([written.filename, written.size], ['bus.jpg', { width: 810, height: 1080, depth: 3 }]);
  assert.equal(readFileSync(`${xml}.orig`, 'utf8'), original, 'the first version is kept');
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(path.join(root, STATE_FILE), 'utf8')).reviewed), ['bus']);
  assert.deepEqual(readdirSync(path.join(root, 'Annotations')).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');

  const stale = await put({ objects: [], version: view.version });
  assert.equal(stale.status, 409, 'a save from an outdated page is refused');
  const fresh = await json<{ version: string }>(await fetch(`${server.url}annotations/bus`));
  assert.equal((await put({ objects: [], version: fresh.version })).status, 200);
  assert.equal(readFileSync(`${xml}.orig`, 'utf8'), original, 'the backup is made once');
  const latest = await json<{ version: string }>(await fetch(`${server.url}annotations/bus`));
  const flat = await put({ objects: [{ name: 'x', xmin: 5, ymin: 5, xmax: 5, ymax: 9 }], version: latest.version });
  assert.deepEqual([flat.status, ((await flat.json()) as { error: string }).error], [400, 'box 1: "x" has no area inside the 810x1080 image']);
  assert.equal((await put({ version: latest.version })).status, 400, 'no list of boxes');
  const banana = await fetch(`${server.url}annotations/banana_1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ objects: [{ name: 'banana', xmin: 1, ymin: 2, xmax: 30, ymax: 40 }], version: bad.version }) });
  assert.equal(banana.status, 200, 'a malformed file can be replaced');
  assert.equal(readFileSync(path.join(root, 'Annotations/banana_1.xml.orig'), 'utf8'), '<annotation><object><name>banana</name>');
});

test('requests for paths outside the dataset, and from other sites, are refused', async (t) => {
  const root = makeDataset();
  const server = await startReviewServer({ root });
  t.after(() => server.close());
  const host = { host: new URL(server.url).host };
  const attempts = [
    '/../secret.txt', '/../../secret.txt', '/images/../../secret.txt', '/images/..%2F..%2Fsecret.txt', '/images/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/annotations/..%2F..%2Fsecret', '/annotations/..', '/images/..%5C..%5Csecret.txt', '/%2e%2e/secret.txt', '/images/%2Fetc%2Fpasswd',
  ];
  for (const p of attempts) {
    const r = await rawRequest(server.url, p, { headers: host });
    assert.equal(r.status, 403, `${p} → ${r.status} ${r.body}`);
    assert.ok(!r.body.includes(SECRET));
  }
  const put = await rawRequest(server.url, '/annotations/..%2F..%2Fsecret', { method: 'PUT', headers: { ...host, 'content-type': 'application/json' }, body: '{"objects":[],"version":null}' });
  assert.equal(put.status, 403);
  assert.ok(!existsSync(path.join(root, '..', 'secret.xml')));

  assert.equal((await rawRequest(server.url, '/api/images', { headers: { host: 'evil.example:80' } })).status, 403, 'DNS rebinding: wrong Host');
  const foreign = await rawRequest(server.url, '/annotations/bus', { method: 'PUT', headers: { ...host, origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{"objects":[],"version":null}' });
  assert.equal(foreign.status, 403, 'a write from another site');
  const form = await rawRequest(server.url, '/annotations/bus', { method: 'PUT', headers: { ...host, 'content-type': 'text/plain' }, body: '{}' });
  assert.equal(form.status, 415);
  assert.equal((await rawRequest(server.url, '/images/nope', { headers: host })).status, 404);
  assert.equal((await rawRequest(server.url, '/src/review/server.ts', { headers: host })).status, 404);
});

test('store checks (pure)', () => {
  for (const id of ['..', '.', 'a/b', 'a\\b', '', 'x\u0000y']) assert.throws(() => checkId(id), /refused/);
  assert.equal(checkId('a.b..c'), 'a.b..c');
  assert.throws(() => confirmedObjects([{ name: 'a', xmin: 'x', ymin: 0, xmax: 1, ymax: 1 }], 10, 10), /box 1: xmin is not a number/);
  assert.throws(() => confirmedObjects([{ name: ' ', xmin: 0, ymin: 0, xmax: 1, ymax: 1 }], 10, 10), /box 1: no class name/);
  assert.throws(() => confirmedObjects([{ name: 'a', xmin: 20, ymin: 0, xmax: 30, ymax: 1 }], 10, 10), /no area inside the 10x10 image/);
  assert.throws(() => confirmedObjects({}, 10, 10), /expected a list of boxes/);
  assert.deepEqual(reviewOptionsFrom({ root: 'd', port: 0, classes: 'a,b' }), { root: 'd', port: 0, classes: ['a', 'b'] });
  assert.throws(() => reviewOptionsFrom({ port: 0 }), /--root <folder> is required/);
});
