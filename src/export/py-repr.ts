// The class-name metadata as YOLOv5 writes it into an exported model: Python's str() of a dict
// {0: 'person', 1: 'bicycle', ...}, and the reader for it (which also takes a JSON list or object,
// so models from other exporters open too).

/** Python's repr() of a str: single quotes unless the text has ' and no ", escapes as Python does. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** str({0: 'a', 1: 'b'}) as Python prints it. */
export function namesToPyDict(names: readonly string[]): string {
  return `{${names.map((n, i) => `${i}: ${pyStrRepr(n)}`).join(', ')}}`;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

/** Reads one quoted Python string literal at `i`; returns its value and the index after it. */
function readPyString(text: string, i: number): [string, number] {
  const quote = text[i];
  if (quote !== "'" && quote !== '"') throw new SyntaxError(`expected a quoted string at ${i}`);
  let out = '';
  for (let j = i + 1; j < text.length; j++) {
    const ch = text[j]!;
    if (ch === quote) return [out, j + 1];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = text[++j]!;
    if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      out += String.fromCodePoint(parseInt(text.slice(j + 1, j + 1 + len), 16));
      j += len;
    } else out += ESCAPES[e] ?? `\\${e}`;
  }
  throw new SyntaxError('unterminated string');
}

/** Parses a Python dict literal {int: 'str', ...} into class names by index. */
export function parsePyNamesDict(text: string): string[] {
  const names: string[] = [];
  let i = text.indexOf('{');
  if (i < 0) throw new SyntaxError('expected a dict');
  i++;
  const skip = () => { while (i < text.length && /[\s,]/.test(text[i]!)) i++; };
  for (skip(); text[i] !== '}'; skip()) {
    const key = /^\d+/.exec(text.slice(i));
    if (!key) throw new SyntaxError(`expected an integer key at ${i}`);
    i += key[0].length;
    while (/\s/.test(text[i] ?? '')) i++;
    if (text[i] !== ':') throw new SyntaxError(`expected ':' at ${i}`);
    i++;
    while (/\s/.test(text[i] ?? '')) i++;
    const [value, next] = readPyString(text, i);
    names[Number(key[0])] = value;
    i = next;
    if (i >= text.length) throw new SyntaxError('unterminated dict');
  }
  if (names.some((n) => n === undefined) || names.length !== Object.keys(names).length) throw new SyntaxError('class ids are not 0..n-1');
  return names;
}

/** Class names from model metadata: YOLOv5's Python dict, or a JSON list / {"0": ...} object. */
export function parseNamesMetadata(text: string): string[] {
  const t = text.trim();
  if (t.startsWith('[')) {
    const list = JSON.parse(t) as unknown;
    if (Array.isArray(list) && list.every((x) => typeof x === 'string')) return list as string[];
    throw new SyntaxError('names: expected a list of strings');
  }
  try {
    const obj = JSON.parse(t) as Record<string, string>;
    return Object.keys(obj).sort((a, b) => Number(a) - Number(b)).map((k) => String(obj[k]));
  } catch {
    return parsePyNamesDict(t);
  }
}
