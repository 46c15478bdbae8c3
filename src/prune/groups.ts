// Channel groups: sets of channels that must be pruned together. A group is one channel space
// produced by its member convolutions (one conv, or several tied by residual adds: C3.cv1 and every
// bottleneck cv2) and read by its consumers, each at one or more slots of its input (a Concat puts
// several groups side by side; SPPF reads cv1's channels four times, once per pooled copy).
// Group sizes and slot offsets depend on the current channel counts, so they are computed here
// from a `Channels` map rather than stored.

/** The image: the input of the first layer, never pruned. */
export const IMAGE = -1;

/** A consumer reads a group at position `slot` of its input layout. */
export interface ConsumerSlot {
  conv: string;
  slot: number;
}

export interface ChannelGroup {
  id: number;
  /** the convs whose output channels these are, in module order */
  members: string[];
  consumers: ConsumerSlot[];
  prunable: boolean;
  /** why not, when not prunable */
  reason?: string;
}

/** Current channel counts per conv id. */
export type Channels = Map<string, { c1: number; c2: number }>;

/** What a group needs to know about the convs: each conv's input layout (group ids or IMAGE). */
export interface LayoutSource {
  readonly groups: readonly ChannelGroup[];
  inputOf(conv: string): readonly number[];
  readonly inputChannels: number;
}

/** Union-find over provisional channel sources (one per producing conv). */
export class UnionFind {
  private readonly parent: number[] = [];

  add(): number {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }

  find(a: number): number {
    let r = a;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[a] !== r) {
      const next = this.parent[a]!;
      this.parent[a] = r;
      a = next;
    }
    return r;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

export function groupSize(g: ChannelGroup, channels: Channels): number {
  return channels.get(g.members[0]!)!.c2;
}

/** Offsets of each slot of a conv's input, from the current channel counts. */
export function slotOffsets(src: LayoutSource, conv: string, channels: Channels): number[] {
  let at = 0;
  return src.inputOf(conv).map((gid) => {
    const here = at;
    at += gid === IMAGE ? src.inputChannels : groupSize(src.groups[gid]!, channels);
    return here;
  });
}

/** The input-channel indices each consumer loses when `removed` output channels of the group go. */
export function consumerRemovals(src: LayoutSource, g: ChannelGroup, removed: readonly number[], channels: Channels): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { conv, slot } of g.consumers) {
    const offset = slotOffsets(src, conv, channels)[slot]!;
    const list = out.get(conv) ?? [];
    for (const r of removed) list.push(offset + r);
    out.set(conv, list);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

/** Channel counts after removing `count` channels from each group (pure; no tensors). */
export function channelsAfter(src: LayoutSource, channels: Channels, counts: ReadonlyMap<number, number>): Channels {
  const next: Channels = new Map([...channels].map(([k, v]) => [k, { ...v }]));
  for (const [gid, count] of counts) {
    if (count === 0) continue;
    const g = src.groups[gid]!;
    for (const m of g.members) next.get(m)!.c2 -= count;
    for (const { conv } of g.consumers) next.get(conv)!.c1 -= count;
  }
  return next;
}

/** The indices 0..n-1 not in `removed` (sorted, unique, in range: checked). */
export function keptIndices(n: number, removed: readonly number[], what: string): number[] {
  const gone = new Set<number>();
  for (const r of removed) {
    if (!Number.isInteger(r) || r < 0 || r >= n) throw new RangeError(`${what}: channel index ${r} is out of range 0-${n - 1}`);
    if (gone.has(r)) throw new RangeError(`${what}: channel index ${r} listed twice`);
    gone.add(r);
  }
  if (gone.size >= n) throw new RangeError(`${what}: cannot remove all ${n} channels`);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (!gone.has(i)) kept.push(i);
  return kept;
}
