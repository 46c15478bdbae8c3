// Explicit tensor lifetimes: scope(fn) disposes every tensor created inside fn except those it
// returns (they move to the enclosing scope) and those marked with keep(). No GC finalizers.
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  kept: boolean;
}

const scopes: Set<Disposable>[] = [];

export function track(t: Disposable): void {
  scopes[scopes.length - 1]?.add(t);
}

export function keep<T extends Disposable>(t: T): T {
  t.kept = true;
  return t;
}

export function unkeep<T extends Disposable>(t: T): T {
  t.kept = false;
  track(t);
  return t;
}

function collect(value: unknown, out: Set<Disposable>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4 || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return;
  if ('dispose' in value && 'kept' in value) {
    out.add(value as Disposable);
    return;
  }
  const items = value instanceof Map ? value.values() : Array.isArray(value) ? value : Object.values(value);
  for (const v of items) collect(v, out, depth + 1);
}

export function scope<T>(fn: () => T): T {
  const own = new Set<Disposable>();
  scopes.push(own);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of own) if (!t.kept) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    throw new TypeError('scope(fn): fn must be synchronous; tensors cannot be tracked across await');
  }
  const returned = new Set<Disposable>();
  collect(result, returned);
  const parent = scopes[scopes.length - 1];
  for (const t of own) {
    if (returned.has(t)) parent?.add(t);
    else if (!t.kept) t.dispose();
  }
  return result;
}

export function dispose(value: unknown): void {
  const found = new Set<Disposable>();
  collect(value, found);
  for (const t of found) t.dispose();
}
