// yolotrim review: the page's script (plain JavaScript, no dependencies, no network but its server).
// The list comes from /api/images; one image's boxes from /annotations/<id>; a save is a PUT there.
// Boxes are edited in image pixels on an SVG laid over the image (viewBox = the image's size), so
// zooming only changes the size the two are shown at.
const $ = (sel) => document.querySelector(sel);
const SVG_NS = 'http://www.w3.org/2000/svg';
const HANDLES = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];
const MIN_BOX = 2; // pixels on screen: a smaller drag is a click

const state = {
  images: [],
  classes: [],
  /** the list as filtered, in its order; next/previous walk it */
  shown: [],
  /** the open image: { id, view, boxes, width, height, dirty } */
  doc: null,
  selected: -1,
  zoom: 1,
  classIndex: 0,
  /** a drag in progress: { mode, index, handle, start, orig } */
  drag: null,
  /** an image we were asked to leave for with unsaved changes: asking again leaves */
  leaveFor: null,
  /** counts open() calls: only the latest one shows its image */
  opening: 0,
};

const api = async (url, init) => {
  const res = await fetch(url, init);
  const body = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
};

function setStatus(text, kind = '') {
  const el = $('#status');
  el.textContent = text;
  el.className = kind;
}

const boxesText = (n) => `${n} box${n === 1 ? '' : 'es'}`;

function colorOf(name) {
  const i = Math.max(state.classes.indexOf(name), 0);
  return `hsl(${(i * 137.508) % 360} 80% 55%)`;
}

// ---- the list ---------------------------------------------------------------------------------

function describe(e) {
  if (e.error) return e.error;
  const conf = e.minConf === null ? '' : ` · min ${e.minConf.toFixed(2)}`;
  return `${boxesText(e.objects)}${conf}`;
}

function applyFilters() {
  const cls = $('#filter-class').value;
  const unreviewed = $('#filter-unreviewed').checked;
  const empty = $('#filter-empty').checked;
  state.shown = state.images.filter((e) =>
    (!cls || e.classes.includes(cls)) && (!unreviewed || !e.reviewed) && (!empty || (e.objects === 0 && !e.error)));
  renderList();
}

function renderList() {
  const list = $('#image-list');
  list.replaceChildren(...state.shown.map((e) => {
    const li = document.createElement('li');
    li.dataset.id = e.id;
    li.className = state.doc?.id === e.id ? 'current' : '';
    const mark = document.createElement('span');
    mark.className = e.error ? 'bad' : e.reviewed ? 'done' : 'muted';
    mark.textContent = e.error ? '⚠' : e.reviewed ? '✓' : '•';
    const id = document.createElement('span');
    id.className = 'id';
    id.textContent = e.id;
    id.title = e.image ?? e.id;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = describe(e);
    li.append(mark, id, meta);
    li.addEventListener('click', () => open(e.id));
    return li;
  }));
  const reviewed = state.images.filter((e) => e.reviewed).length;
  $('#counts').textContent = `${state.images.length} images · ${state.shown.length} shown · ${reviewed} reviewed`;
}

function renderClassOptions() {
  const filter = $('#filter-class');
  const keep = filter.value;
  filter.replaceChildren(new Option('all', ''), ...state.classes.map((c) => new Option(c, c)));
  filter.value = state.classes.includes(keep) ? keep : '';
  const pick = $('#box-class');
  pick.replaceChildren(...state.classes.map((c, i) => new Option(i < 9 ? `${i + 1}: ${c}` : c, c)));
  pick.value = state.classes[state.classIndex] ?? '';
}

function addClass(name) {
  const n = name.trim();
  if (!n) return;
  if (!state.classes.includes(n)) state.classes.push(n);
  renderClassOptions();
  chooseClass(state.classes.indexOf(n));
}

async function loadList() {
  const data = await api('/api/images');
  $('#root-name').textContent = data.root;
  state.images = data.images;
  for (const c of data.classes) if (!state.classes.includes(c)) state.classes.push(c);
  renderClassOptions();
  applyFilters();
}

// ---- opening, leaving and saving an image ---------------------------------------------------------

function loadImage(src) {
  const img = $('#photo');
  return new Promise((resolve, reject) => {
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => reject(new Error('the image cannot be shown'));
    img.src = src;
  });
}

async function open(id, { force = false } = {}) {
  if (state.doc?.dirty && !force && state.leaveFor !== id) {
    state.leaveFor = id;
    setStatus('Unsaved changes: press s to save them, or go there again to leave without saving.', 'error');
    return;
  }
  state.leaveFor = null;
  const ticket = ++state.opening;
  try {
    const view = await api(`/annotations/${encodeURIComponent(id)}`);
    const { width, height } = await loadImage(`/images/${encodeURIComponent(id)}`);
    if (ticket !== state.opening) return; // another image was asked for meanwhile
    const boxes = view.objects.map((o) => ({ name: o.name, pose: o.pose, truncated: o.truncated, difficult: o.difficult, ...o.bndbox }));
    for (const b of boxes) if (!state.classes.includes(b.name)) state.classes.push(b.name);
    const same = state.doc?.id === id;
    state.doc = { id, view, boxes, width, height, dirty: false };
    state.selected = -1;
    renderClassOptions();
    showBanner(view);
    $('#image-name').textContent = view.image;
    if (same) setZoom(state.zoom);
    else fitZoom();
    renderList();
    setStatus(`${view.image}: ${boxesText(boxes.length)}${view.reviewed ? ', reviewed' : ''}`);
    $(`#image-list li[data-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
  } catch (e) {
    if (ticket === state.opening) setStatus(`${id}: ${e.message}`, 'error');
  }
}

function showBanner(view) {
  const banner = $('#banner');
  const lines = [];
  if (view.error) lines.push(`${view.error}. Saving replaces the file (the first version is kept as .orig).`);
  for (const w of view.warnings) lines.push(`${w}: it cannot be read and would be lost by saving.`);
  banner.hidden = lines.length === 0;
  banner.className = view.error ? 'error' : '';
  banner.textContent = lines.join(' ');
}

function step(delta) {
  if (state.shown.length === 0) return;
  const at = state.shown.findIndex((e) => e.id === state.doc?.id);
  const next = at < 0 ? 0 : Math.min(Math.max(at + delta, 0), state.shown.length - 1);
  if (at >= 0 && next === at) return setStatus(delta > 0 ? 'This is the last image.' : 'This is the first image.');
  open(state.shown[next].id);
}

async function save() {
  const doc = state.doc;
  if (!doc) return;
  const objects = doc.boxes.map(({ name, xmin, ymin, xmax, ymax, pose, truncated, difficult }) => ({ name, xmin, ymin, xmax, ymax, pose, truncated, difficult }));
  try {
    const entry = await api(`/annotations/${encodeURIComponent(doc.id)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ objects, version: doc.view.version }),
    });
    const i = state.images.findIndex((e) => e.id === entry.id);
    if (i >= 0) state.images[i] = entry;
    const j = state.shown.findIndex((e) => e.id === entry.id);
    if (j >= 0) state.shown[j] = entry;
    doc.dirty = false;
    await open(doc.id, { force: true });
    setStatus(`Saved Annotations/${doc.id}.xml (${boxesText(objects.length)}).`, 'ok');
  } catch (e) {
    setStatus(`Not saved: ${e.message}`, 'error');
  }
}

// ---- editing ----------------------------------------------------------------------------------

function changed() {
  state.doc.dirty = true;
  state.leaveFor = null;
  render();
}

function select(i) {
  state.selected = i;
  const box = state.doc?.boxes[i];
  if (box) $('#box-class').value = box.name;
  render();
}

function chooseClass(i) {
  if (i < 0 || i >= state.classes.length) return;
  state.classIndex = i;
  $('#box-class').value = state.classes[i];
  const box = state.doc?.boxes[state.selected];
  if (box && box.name !== state.classes[i]) {
    box.name = state.classes[i];
    changed();
  }
}

function deleteSelected() {
  if (!state.doc || state.selected < 0) return;
  state.doc.boxes.splice(state.selected, 1);
  state.selected = -1;
  changed();
}

/** A pointer event's position in image pixels, inside the image. */
function toImage(ev) {
  const r = $('#overlay').getBoundingClientRect();
  const { width, height } = state.doc;
  const clamp = (v, hi) => Math.min(Math.max(v, 0), hi);
  return { x: clamp(((ev.clientX - r.left) / r.width) * width, width), y: clamp(((ev.clientY - r.top) / r.height) * height, height) };
}

function onPointerDown(ev) {
  if (!state.doc || ev.button !== 0) return;
  const t = ev.target;
  const p = toImage(ev);
  if (document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLSelectElement) document.activeElement.blur(); // keys act on the boxes again
  const index = t.dataset.index === undefined ? -1 : Number(t.dataset.index);
  if (ev.shiftKey) state.drag = { mode: 'draw', start: p, end: p }; // Shift: draw, even over a box
  else if (t.classList.contains('handle')) state.drag = { mode: 'resize', index, handle: t.dataset.handle, start: p, orig: { ...state.doc.boxes[index] } };
  else if (t.classList.contains('box')) {
    select(index);
    state.drag = { mode: 'move', index, start: p, orig: { ...state.doc.boxes[index] } };
  } else state.drag = { mode: 'draw', start: p, end: p };
  $('#overlay').setPointerCapture(ev.pointerId);
  ev.preventDefault();
}

function onPointerMove(ev) {
  const d = state.drag;
  if (!d) return;
  const p = toImage(ev);
  const { width, height } = state.doc;
  if (d.mode === 'draw') d.end = p;
  else if (d.mode === 'move') {
    const o = d.orig;
    const dx = Math.min(Math.max(p.x - d.start.x, -o.xmin), width - o.xmax);
    const dy = Math.min(Math.max(p.y - d.start.y, -o.ymin), height - o.ymax);
    Object.assign(state.doc.boxes[d.index], { xmin: o.xmin + dx, xmax: o.xmax + dx, ymin: o.ymin + dy, ymax: o.ymax + dy });
    d.moved = true;
  } else {
    const b = { ...d.orig };
    if (d.handle.includes('w')) b.xmin = p.x;
    if (d.handle.includes('e')) b.xmax = p.x;
    if (d.handle.includes('n')) b.ymin = p.y;
    if (d.handle.includes('s')) b.ymax = p.y;
    Object.assign(state.doc.boxes[d.index], {
      xmin: Math.min(b.xmin, b.xmax), xmax: Math.max(b.xmin, b.xmax), ymin: Math.min(b.ymin, b.ymax), ymax: Math.max(b.ymin, b.ymax),
    });
    d.moved = true;
  }
  render();
}

function onPointerUp() {
  const d = state.drag;
  if (!d) return;
  state.drag = null;
  if (d.mode === 'draw') {
    const min = MIN_BOX / state.zoom;
    const [x1, x2] = [Math.min(d.start.x, d.end.x), Math.max(d.start.x, d.end.x)];
    const [y1, y2] = [Math.min(d.start.y, d.end.y), Math.max(d.start.y, d.end.y)];
    if (x2 - x1 < min || y2 - y1 < min) return select(-1);
    const name = state.classes[state.classIndex];
    if (!name) {
      render();
      return setStatus('Add a class first (the box needs a class name).', 'error');
    }
    state.doc.boxes.push({ name, pose: 'Unspecified', truncated: false, difficult: false, xmin: x1, ymin: y1, xmax: x2, ymax: y2 });
    state.selected = state.doc.boxes.length - 1;
    changed();
  } else if (d.moved) changed();
}

// ---- drawing ----------------------------------------------------------------------------------

function svgEl(tag, attrs) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function boxTag(b, unit) {
  const label = b.conf === undefined ? b.name : `${b.name} ${b.conf.toFixed(2)}`;
  const size = 12 * unit;
  const g = svgEl('g', { class: 'tag' });
  const w = (label.length * 0.6 + 0.6) * size;
  const y = b.ymin - size * 1.3 >= 0 ? b.ymin - size * 1.3 : b.ymin;
  g.append(svgEl('rect', { x: b.xmin, y, width: w, height: size * 1.3, fill: colorOf(b.name) }));
  const text = svgEl('text', { x: b.xmin + size * 0.3, y: y + size, 'font-size': size });
  text.textContent = label;
  g.append(text);
  return g;
}

function handles(b, i, unit) {
  const s = 8 * unit;
  const cx = { n: (b.xmin + b.xmax) / 2, s: (b.xmin + b.xmax) / 2, e: b.xmax, w: b.xmin };
  const cy = { e: (b.ymin + b.ymax) / 2, w: (b.ymin + b.ymax) / 2, n: b.ymin, s: b.ymax };
  return HANDLES.map((h) => {
    const x = h.length === 2 ? cx[h[1]] : cx[h];
    const y = h.length === 2 ? cy[h[0]] : cy[h];
    return svgEl('rect', { class: 'handle', 'data-index': i, 'data-handle': h, x: x - s / 2, y: y - s / 2, width: s, height: s });
  });
}

function render() {
  const svg = $('#overlay');
  const doc = state.doc;
  if (!doc) return svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${doc.width} ${doc.height}`);
  const unit = 1 / state.zoom; // one screen pixel in image pixels
  const parts = [];
  const area = (b) => (b.xmax - b.xmin) * (b.ymax - b.ymin);
  const order = doc.boxes.map((b, i) => [b, i]).sort(([a], [b]) => area(b) - area(a)); // small boxes on top, reachable
  order.forEach(([b, i]) => {
    const cls = i === state.selected ? 'box selected' : 'box';
    parts.push(svgEl('rect', { class: cls, 'data-index': i, x: b.xmin, y: b.ymin, width: b.xmax - b.xmin, height: b.ymax - b.ymin, stroke: colorOf(b.name) }));
    parts.push(boxTag(b, unit));
  });
  if (state.selected >= 0 && doc.boxes[state.selected]) parts.push(...handles(doc.boxes[state.selected], state.selected, unit));
  const d = state.drag;
  if (d?.mode === 'draw') {
    const [x, y] = [Math.min(d.start.x, d.end.x), Math.min(d.start.y, d.end.y)];
    parts.push(svgEl('rect', { class: 'draft', x, y, width: Math.abs(d.end.x - d.start.x), height: Math.abs(d.end.y - d.start.y) }));
  }
  svg.replaceChildren(...parts);
  $('#save').textContent = doc.dirty ? 'Save*' : 'Save';
}

function setZoom(z) {
  if (!state.doc) return;
  state.zoom = Math.min(Math.max(z, 0.05), 20);
  const canvas = $('#canvas');
  canvas.style.width = `${state.doc.width * state.zoom}px`;
  canvas.style.height = `${state.doc.height * state.zoom}px`;
  $('#zoom-level').textContent = `${Math.round(state.zoom * 100)}%`;
  render();
}

function fitZoom() {
  if (!state.doc) return;
  const stage = $('#stage');
  setZoom(Math.min((stage.clientWidth - 8) / state.doc.width, (stage.clientHeight - 8) / state.doc.height, 4));
}

// ---- keys and buttons -------------------------------------------------------------------------

function cycleBoxes(delta) {
  const n = state.doc?.boxes.length ?? 0;
  if (n === 0) return;
  const from = state.selected < 0 ? (delta > 0 ? -1 : 0) : state.selected;
  select((from + delta + n) % n);
}

function onKey(ev) {
  const typing = ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement;
  if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 's') {
    ev.preventDefault();
    return save();
  }
  if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const k = ev.key;
  const actions = {
    ArrowRight: () => step(1), n: () => step(1), ArrowLeft: () => step(-1), p: () => step(-1),
    Delete: deleteSelected, Backspace: deleteSelected, s: save, Escape: () => select(-1),
    '+': () => setZoom(state.zoom * 1.25), '=': () => setZoom(state.zoom * 1.25), '-': () => setZoom(state.zoom / 1.25), f: fitZoom,
    Tab: () => cycleBoxes(ev.shiftKey ? -1 : 1),
  };
  if (/^[1-9]$/.test(k)) chooseClass(Number(k) - 1);
  else if (actions[k]) actions[k]();
  else return;
  ev.preventDefault();
}

function wire() {
  $('#overlay').addEventListener('pointerdown', onPointerDown);
  $('#overlay').addEventListener('pointermove', onPointerMove);
  $('#overlay').addEventListener('pointerup', onPointerUp);
  $('#overlay').addEventListener('pointercancel', onPointerUp);
  $('#stage').addEventListener('wheel', (ev) => {
    if (!ev.ctrlKey) return;
    ev.preventDefault();
    setZoom(state.zoom * (ev.deltaY < 0 ? 1.1 : 1 / 1.1));
  }, { passive: false });
  document.addEventListener('keydown', onKey);
  for (const id of ['filter-class', 'filter-unreviewed', 'filter-empty']) $(`#${id}`).addEventListener('change', applyFilters);
  $('#box-class').addEventListener('change', (ev) => chooseClass(state.classes.indexOf(ev.target.value)));
  $('#add-class').addEventListener('click', () => {
    addClass($('#new-class').value);
    $('#new-class').value = '';
  });
  $('#new-class').addEventListener('keydown', (ev) => ev.key === 'Enter' && $('#add-class').click());
  $('#prev').addEventListener('click', () => step(-1));
  $('#next').addEventListener('click', () => step(1));
  $('#delete').addEventListener('click', deleteSelected);
  $('#save').addEventListener('click', save);
  $('#zoom-in').addEventListener('click', () => setZoom(state.zoom * 1.25));
  $('#zoom-out').addEventListener('click', () => setZoom(state.zoom / 1.25));
  $('#zoom-fit').addEventListener('click', fitZoom);
  window.addEventListener('beforeunload', (ev) => state.doc?.dirty && ev.preventDefault());
}

wire();
loadList()
  .then(() => (state.shown.length > 0 ? open(state.shown[0].id) : setStatus('No images in this folder.')))
  .catch((e) => setStatus(`Cannot load the image list: ${e.message}`, 'error'));
