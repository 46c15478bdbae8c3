// The few NumPy routines YOLOv5's metrics lean on, with NumPy's exact edge-case behaviour
// (tied x values in interp, the pinned last value of linspace, 'valid' convolution), so that
// numbers computed here agree with YOLOv5's to the last digits.

/** `np.linspace(start, stop, num)`: `i * step + start`, with the last value pinned to `stop`. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** The last index j with `xp[j] <= x` (xp ascending), -1 when x < xp[0]: NumPy's search in interp. */
function lastAtOrBelow(xp: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xp.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x >= xp[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * `np.interp(x, xp, fp, left, right)` for ascending `xp` (ties allowed): a value of x equal to
 * an xp takes fp at the last of the tied xp; beyond the ends it takes `left` / `right`
 * (default fp[0] / fp[last]).
 */
export function interp(
  x: ArrayLike<number>,
  xp: ArrayLike<number>,
  fp: ArrayLike<number>,
  left?: number,
  right?: number,
): Float64Array {
  const n = xp.length;
  if (n === 0 || fp.length !== n) throw new Error(`interp: xp has ${n} values, fp has ${fp.length}`);
  const lval = left ?? fp[0]!;
  const rval = right ?? fp[n - 1]!;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xv = x[i]!;
    if (xv > xp[n - 1]!) { out[i] = rval; continue; }
    if (xv < xp[0]!) { out[i] = lval; continue; }
    const j = lastAtOrBelow(xp, xv);
    if (j === n - 1 || xp[j] === xv) { out[i] = fp[j]!; continue; }
    const slope = (fp[j + 1]! - fp[j]!) / (xp[j + 1]! - xp[j]!);
    let v = slope * (xv - xp[j]!) + fp[j]!;
    if (Number.isNaN(v)) {
      v = slope * (xv - xp[j + 1]!) + fp[j + 1]!;
      if (Number.isNaN(v) && fp[j] === fp[j + 1]) v = fp[j]!;
    }
    out[i] = v;
  }
  return out;
}

/** `np.trapz(y, x)`: the trapezoidal integral. */
export function trapz(y: ArrayLike<number>, x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 1; i < y.length; i++) sum += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return sum;
}

/**
 * YOLOv5's `smooth(y, f)`: a box filter of odd width `round(len * f * 2) // 2 + 1`, the ends
 * padded with the first and last values, 'valid' convolution (same length as y when the width
 * is odd, as it is for YOLOv5's curves; one longer otherwise, as NumPy gives).
 */
export function smooth(y: ArrayLike<number>, f = 0.05): Float64Array {
  const n = y.length;
  const nf = Math.floor(roundHalfEven(n * f * 2) / 2) + 1;
  const half = Math.floor(nf / 2);
  const padded = new Float64Array(n + 2 * half);
  for (let i = 0; i < padded.length; i++) padded[i] = y[Math.min(n - 1, Math.max(0, i - half))]!;
  const w = 1 / nf;
  const out = new Float64Array(padded.length - nf + 1);
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    for (let m = 0; m < nf; m++) s += padded[k + m]! * w;
    out[k] = s;
  }
  return out;
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Index of the first maximum (`np.argmax`). */
export function argmax(y: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < y.length; i++) if (y[i]! > y[best]!) best = i;
  return best;
}

/** Mean of the values (0 for none). */
export function mean(y: ArrayLike<number>): number {
  if (y.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]!;
  return s / y.length;
}

/** Indices that sort `key` descending; ties keep their original order. */
export function argsortDescending(key: ArrayLike<number>): number[] {
  const idx = Array.from({ length: key.length }, (_, i) => i);
  return idx.sort((a, b) => key[b]! - key[a]! || a - b);
}

/** `scipy.ndimage.gaussian_filter1d(y, sigma)` with mode 'reflect' and truncate 4 (YOLOv5's results.png smoothing). */
export function gaussianSmooth(y: ArrayLike<number>, sigma = 3): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const radius = Math.floor(4 * sigma + 0.5);
  const w = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-0.5 * ((k - radius) / sigma) ** 2));
  const total = w.reduce((a, b) => a + b, 0);
  const at = (i: number): number => {
    const m = ((i % (2 * n)) + 2 * n) % (2 * n);
    return y[m < n ? m : 2 * n - 1 - m]!;
  };
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = -radius; k <= radius; k++) s += (w[k + radius]! / total) * at(i + k);
    out[i] = s;
  }
  return out;
}

/** Median of a list (mean of the two middle values for an even count). */
export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
