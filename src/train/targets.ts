// YOLOv5's build_targets on plain arrays: for each level, the labels matched to anchors whose
// shape ratio is within anchor_t, each also assigned to up to two neighbouring grid cells.

export interface Targets {
  /** rows [image, class, cx, cy, w, h], box normalised to the input (0..1) */
  rows: Float32Array;
  count: number;
}

export interface LevelTargets {
  b: number[];
  a: number[];
  gj: number[];
  gi: number[];
  cls: number[];
  /** [dx, dy, w, h] per target: offset in its cell and size, in grid units */
  box: number[];
  /** [w, h] per target of its anchor, in grid units */
  anchor: number[];
}

const OFFSETS: [number, number][] = [[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]];

/**
 * anchors: per level [na][2] in grid units; grid: per level [ny, nx].
 * Order of the results follows YOLOv5 (offset-major, then anchor, then label) so sums reduce alike.
 */
export function buildTargets(t: Targets, anchors: number[][][], grid: [number, number][], anchorT: number): LevelTargets[] {
  const g = 0.5;
  return anchors.map((levelAnchors, i) => {
    const [ny, nx] = grid[i]!;
    const out: LevelTargets = { b: [], a: [], gj: [], gi: [], cls: [], box: [], anchor: [] };
    for (let o = 0; o < OFFSETS.length; o++) {
      const [ox, oy] = OFFSETS[o]!;
      levelAnchors.forEach(([aw, ah], a) => {
        for (let n = 0; n < t.count; n++) {
          const r = t.rows.subarray(n * 6, n * 6 + 6);
          // float32 like YOLOv5's tensors, so cell-boundary decisions agree
          const gx = Math.fround(r[2]! * nx);
          const gy = Math.fround(r[3]! * ny);
          const gw = Math.fround(r[4]! * nx);
          const gh = Math.fround(r[5]! * ny);
          const rw = gw / aw!;
          const rh = gh / ah!;
          if (Math.max(rw, 1 / rw, rh, 1 / rh) >= anchorT) continue;
          if (o > 0 && !useOffset(o, gx, gy, Math.fround(nx - gx), Math.fround(ny - gy), g)) continue;
          const gxo = gx - ox * g;
          const gyo = gy - oy * g;
          const ci = Math.trunc(gxo);
          const cj = Math.trunc(gyo);
          out.b.push(r[0]!);
          out.a.push(a);
          out.gj.push(Math.min(Math.max(cj, 0), ny - 1));
          out.gi.push(Math.min(Math.max(ci, 0), nx - 1));
          out.cls.push(r[1]!);
          out.box.push(gx - ci, gy - cj, gw, gh);
          out.anchor.push(aw!, ah!);
        }
      });
    }
    return out;
  });
}

function useOffset(o: number, gx: number, gy: number, ix: number, iy: number, g: number): boolean {
  switch (o) {
    case 1: return gx % 1 < g && gx > 1;
    case 2: return gy % 1 < g && gy > 1;
    case 3: return ix % 1 < g && ix > 1;
    default: return iy % 1 < g && iy > 1;
  }
}
