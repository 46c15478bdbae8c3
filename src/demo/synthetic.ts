// The demo's bundled sample: a synthetic, license-free detection dataset the code generates —
// coloured shapes (circle, square, triangle) on textured backgrounds, in Pascal VOC layout
// (Annotations/*.xml + images/*.jpg). Deterministic for a seed; learnable from scratch in minutes.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { formatVoc, type VocObject } from '../data/formats/voc.js';
import { mulberry32 } from '../data/rng.js';

export const SHAPES = ['circle', 'square', 'triangle'] as const;
export type ShapeName = (typeof SHAPES)[number];

/** A colour family per class (jittered per object), so colour and shape both carry the class. */
const BASE_COLOURS: Record<ShapeName, [number, number, number]> = { circle: [220, 50, 40], square: [40, 90, 220], triangle: [235, 200, 30] };

export interface SyntheticOptions {
  root: string;
  images: number;
  size?: number;
  seed?: number;
}

interface Placed {
  shape: ShapeName;
  x0: number;
  y0: number;
  s: number;
}

function background(w: number, h: number, rand: () => number): Uint8Array {
  const px = new Uint8Array(w * h * 3);
  const base = [60 + rand() * 120, 60 + rand() * 120, 60 + rand() * 120];
  const fx = 2 + rand() * 10;
  const fy = 2 + rand() * 10;
  const phase = rand() * 6.28;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const wave = 25 * Math.sin((x / w) * fx + phase) * Math.cos((y / h) * fy);
      for (let c = 0; c < 3; c++) {
        const noise = (rand() - 0.5) * 30;
        px[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, base[c]! + wave * (c === 1 ? -1 : 1) + noise));
      }
    }
  }
  return px;
}

function inside(shape: ShapeName, u: number, v: number): boolean {
  // u, v in [0, 1) over the object's square box
  if (shape === 'square') return u >= 0.08 && u <= 0.92 && v >= 0.08 && v <= 0.92;
  if (shape === 'circle') return (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25;
  return v >= 0.05 && Math.abs(u - 0.5) <= 0.5 * v; // apex at the top
}

/** The tight box of the drawn pixels, as pixel edges. */
function tightBox(p: Placed): [number, number, number, number] {
  const pad = p.shape === 'square' ? 0.08 : 0;
  const top = p.shape === 'triangle' ? 0.05 : pad;
  return [p.x0 + Math.floor(pad * p.s), p.y0 + Math.floor(top * p.s), p.x0 + Math.ceil((1 - pad) * p.s), p.y0 + Math.ceil((1 - pad) * p.s)];
}

function draw(px: Uint8Array, w: number, p: Placed, rand: () => number): void {
  const [r, g, b] = BASE_COLOURS[p.shape].map((c) => Math.max(0, Math.min(255, c + (rand() - 0.5) * 50)));
  for (let y = 0; y < p.s; y++) {
    for (let x = 0; x < p.s; x++) {
      if (!inside(p.shape, (x + 0.5) / p.s, (y + 0.5) / p.s)) continue;
      const o = ((p.y0 + y) * w + p.x0 + x) * 3;
      const shade = 1 - 0.25 * (y / p.s);
      px[o] = r! * shade;
      px[o + 1] = g! * shade;
      px[o + 2] = b! * shade;
    }
  }
}

function overlaps(a: Placed, b: Placed): boolean {
  return a.x0 < b.x0 + b.s && b.x0 < a.x0 + a.s && a.y0 < b.y0 + b.s && b.y0 < a.y0 + a.s;
}

function place(size: number, rand: () => number): Placed[] {
  const out: Placed[] = [];
  const n = 1 + Math.floor(rand() * 4);
  for (let tries = 0; out.length < n && tries < 50; tries++) {
    const s = Math.round(size * (0.12 + rand() * 0.3));
    const p: Placed = { shape: SHAPES[Math.floor(rand() * SHAPES.length)]!, x0: Math.floor(rand() * (size - s)), y0: Math.floor(rand() * (size - s)), s };
    if (!out.some((q) => overlaps(p, q))) out.push(p);
  }
  return out;
}

/** Writes `images` JPEGs and VOC xml files under root; returns the number of objects. */
export async function makeSyntheticDataset(o: SyntheticOptions): Promise<{ images: number; objects: number }> {
  const size = o.size ?? 256;
  const rand = mulberry32(o.seed ?? 0);
  mkdirSync(path.join(o.root, 'images'), { recursive: true });
  mkdirSync(path.join(o.root, 'Annotations'), { recursive: true });
  let objects = 0;
  for (let i = 0; i < o.images; i++) {
    const id = `shapes_${String(i).padStart(4, '0')}`;
    const px = background(size, size, rand);
    const placed = place(size, rand);
    for (const p of placed) draw(px, size, p, rand);
    await sharp(Buffer.from(px.buffer, px.byteOffset, px.byteLength), { raw: { width: size, height: size, channels: 3 } })
      .jpeg({ quality: 90 }).toFile(path.join(o.root, 'images', `${id}.jpg`));
    const objs: VocObject[] = placed.map((p) => {
      const [xmin, ymin, xmax, ymax] = tightBox(p);
      return { name: p.shape, pose: 'Unspecified', truncated: false, difficult: false, bndbox: { xmin, ymin, xmax, ymax } };
    });
    objects += objs.length;
    writeFileSync(path.join(o.root, 'Annotations', `${id}.xml`), formatVoc({ folder: 'images', filename: `${id}.jpg`, size: { width: size, height: size, depth: 3 }, objects: objs }));
  }
  return { images: o.images, objects };
}
