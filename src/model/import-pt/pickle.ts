// A safe unpickler (pickle protocols 2 to 5, and the simple protocol-0/1 opcodes PyTorch's files
// can contain). It builds inert data (see pyvalues.ts) and never runs anything: a GLOBAL resolves
// only through an allowlist (allowlist.ts), which refuses every other name, and REDUCE/NEWOBJ/BUILD
// only evaluate the allowlist's own small data builders or make inert PyObject records.
import { PyGlobal, PyObject, PyTensor } from './pyvalues.js';
import { resolveAllowed } from './allowlist.js';

export class PickleError extends Error {
  override name = 'PickleError';
}

export interface UnpickleOptions {
  /** Maps a persistent id (BINPERSID/PERSID) to a value, e.g. a PyTorch storage. Refused when absent. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Resolves GLOBAL/STACK_GLOBAL names; throws to refuse. Defaults to the PyTorch/YOLOv5 allowlist. */
  resolveGlobal?: (module: string, name: string) => PyGlobal;
}

type Op = (m: Machine) => void;

class Machine {
  pos = 0;
  stack: unknown[] = [];
  marks: unknown[][] = [];
  memo = new Map<number, unknown>();
  done = false;
  readonly view: DataView;

  constructor(readonly buf: Uint8Array, readonly opts: UnpickleOptions) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(msg: string): never { throw new PickleError(`${msg} (at byte ${this.pos})`); }

  need(n: number): number {
    if (n < 0 || this.pos + n > this.buf.length) this.fail('truncated pickle data');
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(): number { return this.buf[this.need(1)]!; }
  u16(): number { return this.view.getUint16(this.need(2), true); }
  u32(): number { return this.view.getUint32(this.need(4), true); }
  i32(): number { return this.view.getInt32(this.need(4), true); }
  u64(): number {
    const v = this.view.getBigUint64(this.need(8), true);
    if (v > BigInt(this.buf.length)) this.fail(`truncated pickle data (a length of ${v} runs past the end)`);
    return Number(v);
  }
  bytes(n: number): Uint8Array { const at = this.need(n); return new Uint8Array(this.buf.subarray(at, at + n)); }
  utf8(n: number): string { const at = this.need(n); return new TextDecoder().decode(this.buf.subarray(at, at + n)); }
  latin1(n: number): string {
    const at = this.need(n);
    let s = '';
    for (let i = at; i < at + n; i += 4096) s += String.fromCharCode(...this.buf.subarray(i, Math.min(i + 4096, at + n)));
    return s;
  }
  line(): string {
    const end = this.buf.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('truncated pickle data (no end of line)');
    const s = new TextDecoder().decode(this.buf.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  push(v: unknown): void { this.stack.push(v); }
  pop(): unknown {
    if (this.stack.length === 0) this.fail('stack underflow (corrupt pickle)');
    return this.stack.pop();
  }
  top(): unknown {
    if (this.stack.length === 0) this.fail('stack underflow (corrupt pickle)');
    return this.stack[this.stack.length - 1];
  }
  mark(): void { this.marks.push(this.stack); this.stack = []; }
  popMark(): unknown[] {
    const items = this.stack;
    const prev = this.marks.pop();
    if (!prev) this.fail('MARK missing (corrupt pickle)');
    this.stack = prev;
    return items;
  }
  get(i: number): unknown {
    if (!this.memo.has(i)) this.fail(`memo key ${i} was never stored (corrupt pickle)`);
    return this.memo.get(i);
  }
  put(i: number): void { this.memo.set(i, this.top()); }

  global(module: string, name: string): PyGlobal {
    const resolve = this.opts.resolveGlobal ?? resolveAllowed;
    return resolve(module, name);
  }
}

/** A two's-complement little-endian integer (LONG1/LONG4), as a number when it fits exactly. */
function signedLE(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let hex = '';
  for (let i = b.length - 1; i >= 0; i--) hex += b[i]!.toString(16).padStart(2, '0');
  let v = BigInt(`0x${hex}`);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function textInt(s: string, m: Machine): number | bigint | boolean {
  const t = s.trim().replace(/L$/, '');
  if (t === '00') return false;
  if (t === '01') return true;
  if (!/^[-+]?\d+$/.test(t)) m.fail(`bad integer '${s}'`);
  const v = BigInt(t);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** REDUCE and NEWOBJ: evaluate an allowed data builder, or make an inert record of an allowed class. */
function instantiate(m: Machine, callable: unknown, args: unknown, op: string): unknown {
  if (!(callable instanceof PyGlobal)) m.fail(`${op} of something that is not an allowed global (${describe(callable)}) is refused`);
  if (!Array.isArray(args)) m.fail(`${op} arguments for ${callable.qualname} are not a tuple`);
  if (callable.call) return callable.call(args);
  if (callable.kind === 'class') return new PyObject(callable.qualname, args);
  return m.fail(`${callable.qualname} is not callable`);
}

function describe(v: unknown): string {
  if (v instanceof PyObject) return `an instance of ${v.class}`;
  if (v === null) return 'None';
  return Array.isArray(v) ? 'a tuple' : typeof v;
}

function build(m: Machine): void {
  const state = m.pop();
  const inst = m.top();
  if (inst instanceof PyObject) {
    inst.state = state;
  } else if (inst instanceof Map && state instanceof Map) {
    for (const [k, v] of state) inst.set(k, v);
  } else if (!(inst instanceof PyTensor)) {
    // A tensor's BUILD state (Python attributes set on a tensor) carries nothing we need.
    m.fail(`BUILD on ${describe(inst)} is not supported`);
  }
}

function setItems(m: Machine, items: unknown[]): void {
  const d = m.top();
  if (!(d instanceof Map)) m.fail(`SETITEM(S) on ${describe(d)}`);
  if (items.length % 2 !== 0) m.fail('SETITEMS with an odd number of items');
  for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1]);
}

function appendItems(m: Machine, items: unknown[]): void {
  const l = m.top();
  if (l instanceof Set) for (const x of items) l.add(x);
  else if (Array.isArray(l)) for (const x of items) l.push(x);
  else m.fail(`APPEND(S) on ${describe(l)}`);
}

function persistent(m: Machine, pid: unknown): void {
  if (!m.opts.persistentLoad) m.fail('persistent ids are not supported here');
  m.push(m.opts.persistentLoad(pid));
}

function stackGlobal(m: Machine): void {
  const name = m.pop();
  const module = m.pop();
  if (typeof module !== 'string' || typeof name !== 'string') m.fail('STACK_GLOBAL needs two strings');
  m.push(m.global(module, name));
}

function globalOp(m: Machine): void {
  const module = m.line();
  const name = m.line();
  m.push(m.global(module, name));
}

function dictFrom(items: unknown[]): Map<unknown, unknown> {
  const d = new Map<unknown, unknown>();
  for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
  return d;
}

const c = (ch: string): number => ch.charCodeAt(0);

/** The opcode table: each entry does what CPython's pickle.py does for it, minus any code execution. */
const OPS: Record<number, Op> = {
  0x80: (m) => { const v = m.u8(); if (v > 5) m.fail(`unsupported pickle protocol ${v}`); },
  0x95: (m) => { m.u64(); }, // FRAME: only a length hint
  [c('.')]: (m) => { m.done = true; },
  [c('(')]: (m) => m.mark(),
  [c('0')]: (m) => { m.pop(); },
  [c('1')]: (m) => { m.popMark(); },
  [c('2')]: (m) => m.push(m.top()),
  [c('N')]: (m) => m.push(null),
  0x88: (m) => m.push(true),
  0x89: (m) => m.push(false),
  [c('J')]: (m) => m.push(m.i32()),
  [c('K')]: (m) => m.push(m.u8()),
  [c('M')]: (m) => m.push(m.u16()),
  0x8a: (m) => m.push(signedLE(m.bytes(m.u8()))),
  0x8b: (m) => { const n = m.i32(); if (n < 0) m.fail('negative LONG4 length'); m.push(signedLE(m.bytes(n))); },
  [c('I')]: (m) => m.push(textInt(m.line(), m)),
  [c('L')]: (m) => m.push(textInt(m.line(), m)),
  [c('G')]: (m) => m.push(m.view.getFloat64(m.need(8), false)),
  [c('F')]: (m) => m.push(Number.parseFloat(m.line())),
  [c('X')]: (m) => m.push(m.utf8(m.u32())),
  0x8c: (m) => m.push(m.utf8(m.u8())),
  0x8d: (m) => m.push(m.utf8(m.u64())),
  [c('T')]: (m) => { const n = m.i32(); if (n < 0) m.fail('negative BINSTRING length'); m.push(m.latin1(n)); },
  [c('U')]: (m) => m.push(m.latin1(m.u8())),
  [c('B')]: (m) => m.push(m.bytes(m.u32())),
  [c('C')]: (m) => m.push(m.bytes(m.u8())),
  0x8e: (m) => m.push(m.bytes(m.u64())),
  0x96: (m) => m.push(m.bytes(m.u64())),
  [c(']')]: (m) => m.push([]),
  [c('a')]: (m) => { const v = m.pop(); appendItems(m, [v]); },
  [c('e')]: (m) => { const items = m.popMark(); appendItems(m, items); },
  [c('l')]: (m) => m.push(m.popMark()),
  [c(')')]: (m) => m.push([]),
  [c('t')]: (m) => m.push(m.popMark()),
  0x85: (m) => m.push([m.pop()]),
  0x86: (m) => { const b = m.pop(); const a = m.pop(); m.push([a, b]); },
  0x87: (m) => { const z = m.pop(); const b = m.pop(); const a = m.pop(); m.push([a, b, z]); },
  [c('}')]: (m) => m.push(new Map()),
  [c('d')]: (m) => m.push(dictFrom(m.popMark())),
  [c('s')]: (m) => { const v = m.pop(); const k = m.pop(); setItems(m, [k, v]); },
  [c('u')]: (m) => { const items = m.popMark(); setItems(m, items); },
  0x8f: (m) => m.push(new Set()),
  0x90: (m) => { const items = m.popMark(); appendItems(m, items); },
  0x91: (m) => m.push(new Set(m.popMark())),
  [c('p')]: (m) => m.put(Number(textInt(m.line(), m))),
  [c('q')]: (m) => m.put(m.u8()),
  [c('r')]: (m) => m.put(m.u32()),
  0x94: (m) => { m.memo.set(m.memo.size, m.top()); },
  [c('g')]: (m) => m.push(m.get(Number(textInt(m.line(), m)))),
  [c('h')]: (m) => m.push(m.get(m.u8())),
  [c('j')]: (m) => m.push(m.get(m.u32())),
  [c('c')]: globalOp,
  0x93: stackGlobal,
  [c('R')]: (m) => { const args = m.pop(); const f = m.pop(); m.push(instantiate(m, f, args, 'REDUCE')); },
  0x81: (m) => { const args = m.pop(); const cls = m.pop(); m.push(instantiate(m, cls, args, 'NEWOBJ')); },
  0x92: (m) => { m.pop(); const args = m.pop(); const cls = m.pop(); m.push(instantiate(m, cls, args, 'NEWOBJ_EX')); },
  [c('b')]: build,
  [c('Q')]: (m) => persistent(m, m.pop()),
  [c('P')]: (m) => persistent(m, m.line()),
};

const NAMES: Record<number, string> = {
  [c('S')]: 'STRING', [c('V')]: 'UNICODE', [c('i')]: 'INST', [c('o')]: 'OBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4',
  0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

/**
 * Unpickles `data` into inert values. Throws PickleError for corrupt or truncated data, for an
 * opcode it does not support, and for any global outside the allowlist (naming it).
 */
export function unpickle(data: Uint8Array, opts: UnpickleOptions = {}): unknown {
  const m = new Machine(data, opts);
  while (!m.done) {
    if (m.pos >= data.length) m.fail('truncated pickle data (no STOP)');
    const code = data[m.pos++]!;
    const op = OPS[code];
    if (!op) {
      m.pos--;
      m.fail(`unsupported pickle opcode 0x${code.toString(16).padStart(2, '0')}${NAMES[code] ? ` (${NAMES[code]})` : ''}`);
    }
    op(m);
  }
  if (m.marks.length) m.fail('unbalanced MARK at STOP');
  return m.pop();
}
