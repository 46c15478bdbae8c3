import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVoc, parseVoc, VocParseError, type VocAnnotation } from '../../src/data/formats/voc.js';

const LABELIMG = `<?xml version='1.0' encoding='utf-8'?>
<annotation>
	<folder>train</folder>
	<filename>apple_1.jpg</filename>
	<path>C:\\images\\apple_1.jpg</path>
	<size><width>0</width><height>0</height><depth>3</depth></size>
	<object>
		<name>apple</name><pose>Unspecified</pose><truncated>1</truncated><difficult>0</difficult>
		<bndbox><xmin>8</xmin><ymin>15</ymin><xmax>331.5</xmax><ymax>349</ymax></bndbox>
	</object>
	<object>
		<name>1</name><difficult>1</difficult>
		<bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox>
	</object>
</annotation>`;

test('parses a LabelImg file; a size of 0 reads as no size', () => {
  const { annotation, warnings } = parseVoc(LABELIMG);
  assert.deepEqual(warnings, []);
  assert.equal(annotation.filename, 'apple_1.jpg');
  assert.equal(annotation.folder, 'train');
  assert.equal(annotation.size, undefined);
  assert.deepEqual(annotation.objects[0], {
    name: 'apple', pose: 'Unspecified', truncated: true, difficult: false,
    bndbox: { xmin: 8, ymin: 15, xmax: 331.5, ymax: 349 },
  });
  // a class named "1" stays a string; missing pose/truncated get defaults
  assert.deepEqual(annotation.objects[1], { name: '1', pose: 'Unspecified', truncated: false, difficult: true, bndbox: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 } });
});

test('a single <object> is still a list; size is read when positive', () => {
  const xml = '<annotation><size><width>640</width><height>480</height></size><object><name>a</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>1</xmax><ymax>1</ymax><conf>0.75</conf></bndbox></object></annotation>';
  const { annotation } = parseVoc(xml);
  assert.deepEqual(annotation.size, { width: 640, height: 480 });
  assert.equal(annotation.objects.length, 1);
  assert.equal(annotation.objects[0]!.bndbox.conf, 0.75);
});

test('file-level problems throw VocParseError with a reason', () => {
  assert.throws(() => parseVoc(''), (e: Error) => e instanceof VocParseError && e.message === 'empty file');
  assert.throws(() => parseVoc('  \n'), /empty file/);
  assert.throws(() => parseVoc('<annotation><object></annotation>'), (e: Error) => e instanceof VocParseError && /not well-formed xml \(line 1/.test(e.message));
  assert.throws(() => parseVoc('<root><a>1</a></root>'), /no <annotation> element/);
  assert.deepEqual(parseVoc('\uFEFF<annotation/>'), { annotation: { objects: [] }, warnings: [] });
});

test('object-level problems drop the object with a warning', () => {
  const xml = `<annotation>
    <object><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>1</xmax><ymax>1</ymax></bndbox></object>
    <object><name>a</name></object>
    <object><name>b</name><bndbox><xmin>x</xmin><ymin>0</ymin><xmax>1</xmax><ymax>1</ymax></bndbox></object>
    <object><name>c</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>1</xmax></bndbox></object>
    <object><name>ok</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>1</xmax><ymax>1</ymax></bndbox></object>
  </annotation>`;
  const { annotation, warnings } = parseVoc(xml);
  assert.deepEqual(annotation.objects.map((o) => o.name), ['ok']);
  assert.deepEqual(warnings, [
    'object 1: no <name>',
    'object 2: "a" has no <bndbox>',
    'object 3: "b" has a non-numeric <xmin>',
    'object 4: "c" has no <ymax>',
  ]);
});

test('writes VOC that parses back to the same annotation, with <conf> inside <bndbox>', () => {
  const a: VocAnnotation = {
    folder: 'images',
    filename: 'a&b <1>.jpg',
    size: { width: 640, height: 480, depth: 3 },
    objects: [
      { name: 'apple', pose: 'Unspecified', truncated: false, difficult: false, bndbox: { xmin: 10, ymin: 20, xmax: 30.25, ymax: 40, conf: 0.8731234567 } },
      { name: "o'range", pose: 'Left', truncated: true, difficult: true, bndbox: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 } },
    ],
  };
  const xml = formatVoc(a);
  assert.match(xml, /<filename>a&amp;b &lt;1&gt;.jpg<\/filename>/);
  assert.match(xml, /\t\t\t<ymax>40<\/ymax>\n\t\t\t<conf>0.873123<\/conf>\n\t\t<\/bndbox>/);
  const back = parseVoc(xml).annotation;
  a.objects[0]!.bndbox.conf = 0.873123;
  assert.deepEqual(back, a);
});
