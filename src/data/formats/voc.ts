// Pascal VOC annotation xml: parse and write. Pure (strings in, strings out), no file system.
//
// Coordinates are kept exactly as written in the file (pixels, as numbers; fractional values are
// accepted). Problems with the whole file (empty, not well-formed xml, no <annotation>) throw a
// VocParseError; problems with one object (no name, a missing or non-numeric coordinate) drop that
// object and are returned as warnings, so one bad object does not cost the whole image.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface VocBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  /** a detector's confidence, written inside <bndbox> by auto-labelling; absent in hand-made files */
  conf?: number;
}

export interface VocObject {
  name: string;
  pose: string;
  truncated: boolean;
  difficult: boolean;
  bndbox: VocBox;
}

export interface VocSize {
  width: number;
  height: number;
  depth?: number;
}

export interface VocAnnotation {
  folder?: string;
  filename?: string;
  path?: string;
  /** absent when the file has no <size> or says 0 (or anything not a positive number) */
  size?: VocSize;
  objects: VocObject[];
}

export interface VocParseResult {
  annotation: VocAnnotation;
  /** one line per dropped object, e.g. "object 3: no <name>" */
  warnings: string[];
}

export class VocParseError extends Error {
  override name = 'VocParseError';
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false, // keep text as written: a class named "1" stays a string
  trimValues: true,
  isArray: (_name, jpath) => jpath === 'annotation.object',
});

export function parseVoc(source: string): VocParseResult {
  const xml = source.replace(/^\uFEFF/, ''); // a byte-order mark is not an error
  if (xml.trim() === '') throw new VocParseError('empty file');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new VocParseError(`not well-formed xml (line ${valid.err.line}: ${valid.err.msg})`);
  const doc = parser.parse(xml) as XmlNode;
  const root = doc.annotation;
  if (root === '') return { annotation: { objects: [] }, warnings: [] }; // <annotation/>: nothing in it
  if (root === undefined || typeof root !== 'object' || root === null) {
    throw new VocParseError('no <annotation> element');
  }
  const node = root as XmlNode;
  const warnings: string[] = [];
  const objects: VocObject[] = [];
  const rawObjects = Array.isArray(node.object) ? (node.object as unknown[]) : [];
  rawObjects.forEach((raw, i) => {
    const parsed = parseObject(raw);
    if (typeof parsed === 'string') warnings.push(`object ${i + 1}: ${parsed}`);
    else objects.push(parsed);
  });
  const annotation: VocAnnotation = { objects };
  const folder = text(node.folder);
  const filename = text(node.filename);
  const path = text(node.path);
  if (folder !== undefined) annotation.folder = folder;
  if (filename !== undefined) annotation.filename = filename;
  if (path !== undefined) annotation.path = path;
  const size = parseSize(node.size);
  if (size) annotation.size = size;
  return { annotation, warnings };
}

function parseSize(raw: unknown): VocSize | undefined {
  if (!isNode(raw)) return undefined;
  const width = num(raw.width);
  const height = num(raw.height);
  if (width === undefined || height === undefined || width <= 0 || height <= 0) return undefined;
  const depth = num(raw.depth);
  return depth !== undefined && depth > 0 ? { width, height, depth } : { width, height };
}

/** An object, or the reason it cannot be used. */
function parseObject(raw: unknown): VocObject | string {
  if (!isNode(raw)) return 'empty <object>';
  const name = text(raw.name);
  if (!name) return 'no <name>';
  if (!isNode(raw.bndbox)) return `"${name}" has no <bndbox>`;
  const b = raw.bndbox;
  const coords: Partial<Record<'xmin' | 'ymin' | 'xmax' | 'ymax', number>> = {};
  for (const k of ['xmin', 'ymin', 'xmax', 'ymax'] as const) {
    const v = num(b[k]);
    if (v === undefined) return `"${name}" has ${b[k] === undefined ? 'no' : 'a non-numeric'} <${k}>`;
    coords[k] = v;
  }
  const bndbox: VocBox = { xmin: coords.xmin!, ymin: coords.ymin!, xmax: coords.xmax!, ymax: coords.ymax! };
  const conf = num(b.conf);
  if (conf !== undefined) bndbox.conf = conf;
  return {
    name,
    pose: text(raw.pose) ?? 'Unspecified',
    truncated: flag(raw.truncated),
    difficult: flag(raw.difficult),
    bndbox,
  };
}

function isNode(v: unknown): v is XmlNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function num(v: unknown): number | undefined {
  const s = text(v);
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function flag(v: unknown): boolean {
  const s = text(v)?.trim().toLowerCase();
  return s === '1' || s === 'true';
}

// ---------------------------------------------------------------------------------------------
// Writing, in LabelImg's layout (tabs, <source>, <segmented>), so other VOC tools read it.

export function formatVoc(a: VocAnnotation): string {
  const lines = ["<?xml version='1.0' encoding='utf-8'?>", '<annotation>'];
  if (a.folder !== undefined) lines.push(`\t<folder>${escapeXml(a.folder)}</folder>`);
  if (a.filename !== undefined) lines.push(`\t<filename>${escapeXml(a.filename)}</filename>`);
  if (a.path !== undefined) lines.push(`\t<path>${escapeXml(a.path)}</path>`);
  lines.push('\t<source>', '\t\t<database>Unknown</database>', '\t</source>');
  const size = a.size ?? { width: 0, height: 0 };
  lines.push(
    '\t<size>',
    `\t\t<width>${formatNumber(size.width)}</width>`,
    `\t\t<height>${formatNumber(size.height)}</height>`,
    `\t\t<depth>${formatNumber(size.depth ?? 3)}</depth>`,
    '\t</size>',
    '\t<segmented>0</segmented>',
  );
  for (const o of a.objects) lines.push(...formatObject(o));
  lines.push('</annotation>');
  return `${lines.join('\n')}\n`;
}

function formatObject(o: VocObject): string[] {
  const b = o.bndbox;
  const lines = [
    '\t<object>',
    `\t\t<name>${escapeXml(o.name)}</name>`,
    `\t\t<pose>${escapeXml(o.pose)}</pose>`,
    `\t\t<truncated>${o.truncated ? 1 : 0}</truncated>`,
    `\t\t<difficult>${o.difficult ? 1 : 0}</difficult>`,
    '\t\t<bndbox>',
    `\t\t\t<xmin>${formatNumber(b.xmin)}</xmin>`,
    `\t\t\t<ymin>${formatNumber(b.ymin)}</ymin>`,
    `\t\t\t<xmax>${formatNumber(b.xmax)}</xmax>`,
    `\t\t\t<ymax>${formatNumber(b.ymax)}</ymax>`,
  ];
  if (b.conf !== undefined) lines.push(`\t\t\t<conf>${formatNumber(b.conf)}</conf>`);
  lines.push('\t\t</bndbox>', '\t</object>');
  return lines;
}

/** Integers as integers, others with at most 6 decimals and no trailing zeros. */
function formatNumber(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`cannot write ${v} in a VOC file`);
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(6)));
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}
