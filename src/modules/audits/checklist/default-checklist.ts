import { readFileSync } from 'node:fs';
import type { Checklist } from '../checklist.rule.js';

/**
 * Seed 000's checklist for the contractor (運用上の対策, システム上の対策),
 * kept as data in default-checklist.json beside this file (the build copies
 * it: tsconfig.build.json includes src's JSON). A ward copies it to a
 * contract and edits it there; the default itself never changes at runtime.
 */
let template: Checklist | undefined;

export function defaultChecklist(): Checklist {
  template ??= parse(readFileSync(new URL('./default-checklist.json', import.meta.url), 'utf8'));
  return structuredClone(template);
}

function parse(text: string): Checklist {
  const raw = JSON.parse(text) as Checklist;
  return {
    title: raw.title,
    sections: raw.sections.map((s) => ({
      key: s.key,
      title: s.title,
      items: s.items.map((i) => ({ id: i.id, number: i.number, text: i.text })),
    })),
  };
}
