import { type Sample, SampleContent } from '@maestro/shared/schema';

/** The fields of a sample's content, in the order of the form. */
export type ContentField = keyof SampleContent;
export const contentFields = SampleContent.keyof().options as readonly ContentField[];

/** The agent's content of a server sample (without reference, status, version…). */
export function contentOf(sample: Sample): SampleContent {
  return Object.fromEntries(
    contentFields.map((field) => [field, sample[field]]),
  ) as unknown as SampleContent;
}

/** Structural equality of JSON-like values (`undefined` and `null` are the same: both empty). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return a == null && b == null;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}

export function sameContent(a: SampleContent, b: SampleContent): boolean {
  return contentFields.every((field) => sameValue(a[field], b[field]));
}

/** A field changed differently on both sides: the agent chooses. */
export interface FieldConflict {
  field: ContentField;
  /** The value both sides started from (undefined when the base is unknown). */
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

export interface MergeResult {
  /** Every field merged; a conflicting field holds the agent's value until they choose. */
  merged: SampleContent;
  conflicts: FieldConflict[];
  /** Fields changed on the server only, taken from it. */
  fromTheirs: ContentField[];
  /** Fields changed in the browser only, kept. */
  fromMine: ContentField[];
}

/**
 * Three-way merge, field by field. `base` is the content at the version the local edits were
 * based on (null when unknown: then every differing field is the agent's choice). A field
 * changed on one side only takes that side's value; changed on both sides to the same value it
 * merges too; changed on both sides differently, it is listed in `conflicts`. The form's current
 * step is never asked about: the agent's is kept.
 */
export function mergeContent(
  base: SampleContent | null,
  mine: SampleContent,
  theirs: SampleContent,
): MergeResult {
  const merged: Record<string, unknown> = {};
  const conflicts: FieldConflict[] = [];
  const fromTheirs: ContentField[] = [];
  const fromMine: ContentField[] = [];
  for (const field of contentFields) {
    const m = mine[field];
    const t = theirs[field];
    if (sameValue(m, t)) {
      merged[field] = m;
    } else if (base && sameValue(base[field], m)) {
      merged[field] = t;
      fromTheirs.push(field);
    } else if ((base && sameValue(base[field], t)) || field === 'step') {
      merged[field] = m;
      fromMine.push(field);
    } else {
      merged[field] = m;
      conflicts.push({ field, base: base ? base[field] : undefined, mine: m, theirs: t });
    }
  }
  return { merged: merged as SampleContent, conflicts, fromTheirs, fromMine };
}

export type FieldChoice = 'mine' | 'theirs';

/** The merged content once the agent chose a side for each conflicting field (mine by default). */
export function applyChoices(
  result: MergeResult,
  choices: Partial<Record<ContentField, FieldChoice>>,
): SampleContent {
  const content: Record<string, unknown> = { ...result.merged };
  for (const conflict of result.conflicts) {
    content[conflict.field] =
      choices[conflict.field] === 'theirs' ? conflict.theirs : conflict.mine;
  }
  return content as SampleContent;
}
