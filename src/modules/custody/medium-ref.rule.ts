import { isUuid } from '../../common/http/validators.js';

/**
 * People name media by their labels (住民-001) and colleagues by their login
 * ids; the API takes either where it takes an id. Plain functions: the
 * service loads the candidates, these match.
 */

/**
 * One label however it is typed: full-width or half-width, upper or lower
 * case, stray spaces (住民-001, 住民－００１ and " 住民-001 " are one label).
 */
export function labelKey(label: string): string {
  return label.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase();
}

export interface LabelledMedium {
  id: string;
  label: string;
}

export type MediumRefResult =
  { ok: true; ids: string[] } | { ok: false; unknown: string[]; ambiguous: string[] };

/**
 * Each reference resolved to a medium id: an id of one of `media`, or a label
 * that names exactly one of them. Unknown references, and labels that name
 * several media (registered before labels were unique), are reported.
 */
export function resolveMediumRefs(
  refs: readonly string[],
  media: readonly LabelledMedium[],
): MediumRefResult {
  const byId = new Set(media.map((m) => m.id));
  const byLabel = new Map<string, string[]>();
  for (const m of media) {
    const key = labelKey(m.label);
    byLabel.set(key, [...(byLabel.get(key) ?? []), m.id]);
  }
  const ids: string[] = [];
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  for (const ref of refs) {
    if (isUuid(ref) && byId.has(ref.toLowerCase())) {
      ids.push(ref.toLowerCase());
      continue;
    }
    const matches = byLabel.get(labelKey(ref)) ?? [];
    if (matches.length === 1) ids.push(matches[0]!);
    else if (matches.length > 1) ambiguous.push(ref);
    else unknown.push(ref);
  }
  return unknown.length || ambiguous.length ? { ok: false, unknown, ambiguous } : { ok: true, ids };
}

/** The medium of `media` whose label is `label` however typed, if any. */
export function sameLabel(
  label: string,
  media: readonly LabelledMedium[],
): LabelledMedium | undefined {
  const key = labelKey(label);
  return media.find((m) => labelKey(m.label) === key);
}
