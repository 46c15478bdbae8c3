// Issues: what went wrong with one file, reported with the file name and the reason, never thrown.
// `error` means the file (or the label) is unusable and was skipped; `warning` means it was used,
// with a change the user should know about (a dropped box, a clipped box, an unknown class).

export type IssueLevel = 'error' | 'warning';

export type IssueKind =
  | 'empty-xml'
  | 'malformed-xml'
  | 'bad-object'
  | 'missing-image'
  | 'unreadable-image'
  | 'ambiguous-image'
  | 'size-mismatch'
  | 'unknown-class'
  | 'empty-box'
  | 'box-outside-image'
  | 'not-in-split'
  | 'listed-missing'
  | 'missing-label'
  | 'malformed-label'
  | 'label-out-of-range'
  | 'duplicate-label'
  | 'duplicate-image';

export interface Issue {
  level: IssueLevel;
  kind: IssueKind;
  /** the file, relative to the dataset root when it lies inside it */
  file: string;
  reason: string;
}

export const KIND_TITLES: Record<IssueKind, string> = {
  'empty-xml': 'empty xml files',
  'malformed-xml': 'malformed xml files',
  'bad-object': 'unusable objects in xml files',
  'missing-image': 'xml files without their image',
  'unreadable-image': 'unreadable images',
  'ambiguous-image': 'ids with more than one image file',
  'size-mismatch': 'xml size differs from the image',
  'unknown-class': 'objects of an unknown class',
  'empty-box': 'boxes with no area',
  'box-outside-image': 'boxes outside the image',
  'not-in-split': 'ids in no ImageSets list',
  'listed-missing': 'listed files that do not exist',
  'missing-label': 'images without labels',
  'malformed-label': 'malformed label files',
  'label-out-of-range': 'labels out of range',
  'duplicate-label': 'duplicate label rows',
  'duplicate-image': 'duplicate images',
};

export function countIssues(issues: readonly Issue[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const i of issues) if (i.level === 'error') errors++;
  return { errors, warnings: issues.length - errors };
}

/** Issues grouped by kind, in the order of KIND_TITLES, errors' kinds first. */
export function groupIssues(issues: readonly Issue[]): { kind: IssueKind; level: IssueLevel; items: Issue[] }[] {
  const groups = new Map<string, { kind: IssueKind; level: IssueLevel; items: Issue[] }>();
  for (const i of issues) {
    const key = `${i.level}:${i.kind}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { kind: i.kind, level: i.level, items: [] }));
    g.items.push(i);
  }
  const order = Object.keys(KIND_TITLES);
  return [...groups.values()].sort(
    (a, b) => (a.level === b.level ? order.indexOf(a.kind) - order.indexOf(b.kind) : a.level === 'error' ? -1 : 1),
  );
}
