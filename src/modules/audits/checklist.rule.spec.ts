import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultChecklist } from './checklist/default-checklist.js';
import {
  answersRefusal,
  type AnswerInput,
  type Checklist,
  checklistItems,
  checklistRefusal,
  findingStateAfter,
  findingStepRefusal,
} from './checklist.rule.js';

/**
 * Seed 000 (the council's 個人情報保護対策チェックリスト) as kept in the
 * repository's test fixtures: a clone has no ../shared beside it.
 */
function seed000(): string {
  return readFileSync(
    fileURLToPath(new URL('../../../test/fixtures/seeds/000_checklist.txt', import.meta.url)),
    'utf8',
  );
}

/**
 * The contractor's lists read straight from the seed's text, independently of
 * the template: after 委託事業者に行わせる…【運用上の対策】 each item is a
 * `\t○\t<text>` line (the first on the heading's line); after 【システム上の対策】 each is a `○\t<text>` line,
 * except the first, whose ○ stands alone on the heading line (its text was
 * lost in the table's extraction).
 */
function seedLists(): { operational: string[]; system: string[]; systemMarks: number } {
  const text = seed000();
  const contractor = text.slice(
    text.indexOf('委託事業者に行わせる 個人情報保護対策 【運用上の対策】'),
  );
  const split = contractor.indexOf('【システム上の対策】');
  const operational = [...contractor.slice(0, split).matchAll(/(?:^|】)\t○\t(.+)$/gm)].map((m) =>
    m[1]!.trim(),
  );
  const systemPart = contractor.slice(split);
  const system = [...systemPart.matchAll(/^○\t+(.+)$/gm)].map((m) => m[1]!.trim());
  const headingMark = /【システム上の対策】\t○/.test(systemPart) ? 1 : 0;
  return { operational, system, systemMarks: system.length + headingMark };
}

describe('the default checklist (seed 000, the contractor’s lists)', () => {
  const template = defaultChecklist();
  const section = (key: string) => template.sections.find((s) => s.key === key)!;

  it('is data: 12 運用上の対策 and 11 システム上の対策, as many as the seed has', () => {
    const seed = seedLists();
    expect(seed.operational).toHaveLength(12);
    expect(seed.systemMarks).toBe(11);
    expect(section('operational')).toMatchObject({ title: '運用上の対策' });
    expect(section('operational').items).toHaveLength(seed.operational.length);
    expect(section('system')).toMatchObject({ title: 'システム上の対策' });
    expect(section('system').items).toHaveLength(seed.systemMarks);
  });

  it('carries the seed’s wording item by item, numbered from 1 in each section', () => {
    const seed = seedLists();
    expect(section('operational').items.map((i) => i.text)).toEqual(seed.operational);
    // システム上の対策 1 is restored from the ward's item 1, in the contractor's voice.
    expect(
      section('system')
        .items.slice(1)
        .map((i) => i.text),
    ).toEqual(seed.system);
    expect(section('system').items[0]!.text).toBe(
      '接続するネットワークについては、特定相手以外との通信を不可とさせる。',
    );
    for (const s of template.sections) {
      expect(s.items.map((i) => i.number)).toEqual(s.items.map((_, n) => n + 1));
    }
    expect(section('operational').items[2]!.text).toContain('再委託先');
    expect(checklistRefusal(template)).toBeNull();
  });

  it('is handed out as a copy: editing it does not change the template', () => {
    const copy = defaultChecklist();
    copy.sections[0]!.items.pop();
    expect(defaultChecklist().sections[0]!.items).toHaveLength(12);
  });
});

const list: Checklist = {
  title: 't',
  sections: [
    {
      key: 'a',
      title: 'A',
      items: [
        { id: 'a-1', number: 1, text: 'x' },
        { id: 'a-2', number: 2, text: 'y' },
      ],
    },
    { key: 'b', title: 'B', items: [{ id: 'b-1', number: 1, text: 'z' }] },
  ],
};
const fine: AnswerInput[] = [
  { itemId: 'a-1', answer: 'yes' },
  { itemId: 'a-2', answer: 'na' },
  { itemId: 'b-1', answer: 'no', correctiveAction: '施錠記録を付ける', dueOn: '2027-02-10' },
];
const audit = { performedOn: '2027-01-14', result: 'findings' };

describe('checklist answers', () => {
  it('accepts each item once, every × with its corrective action', () => {
    expect(answersRefusal(list, fine, audit)).toBeNull();
    expect(checklistItems(list).map((i) => `${i.section}:${i.id}`)).toEqual([
      'A:a-1',
      'A:a-2',
      'B:b-1',
    ]);
  });

  it('refuses unknown and repeated items, then missing ones', () => {
    expect(answersRefusal(list, [...fine, { itemId: 'c-9', answer: 'yes' }], audit)).toMatchObject({
      code: 'UNKNOWN_CHECKLIST_ITEM',
      details: { unknown: ['c-9'] },
    });
    expect(answersRefusal(list, [...fine, fine[0]!], audit)).toMatchObject({
      code: 'UNKNOWN_CHECKLIST_ITEM',
      details: { repeated: ['a-1'] },
    });
    expect(answersRefusal(list, fine.slice(1), audit)).toMatchObject({
      code: 'CHECKLIST_INCOMPLETE',
      details: { missing: ['a-1'] },
    });
  });

  it('refuses a × without a corrective action, without a due date, or due before the audit', () => {
    const with3 = (b: AnswerInput) => [fine[0]!, fine[1]!, b];
    for (const b of [
      { itemId: 'b-1', answer: 'no', dueOn: '2027-02-10' },
      { itemId: 'b-1', answer: 'no', correctiveAction: '  ', dueOn: '2027-02-10' },
      { itemId: 'b-1', answer: 'no', correctiveAction: 'x' },
      { itemId: 'b-1', answer: 'no', correctiveAction: 'x', dueOn: '2027-01-13' },
    ] as AnswerInput[]) {
      expect(answersRefusal(list, with3(b), audit)).toMatchObject({
        code: 'FINDING_INCOMPLETE',
        details: { itemIds: ['b-1'] },
      });
    }
    expect(
      answersRefusal(
        list,
        with3({ itemId: 'b-1', answer: 'no', correctiveAction: 'x', dueOn: '2027-01-14' }),
        audit,
      ),
    ).toBeNull();
  });

  it('refuses a satisfactory result with a ×', () => {
    expect(answersRefusal(list, fine, { ...audit, result: 'satisfactory' })).toMatchObject({
      code: 'AUDIT_RESULT_MISMATCH',
    });
  });
});

describe('a checklist a ward sets', () => {
  it('needs items, unique ids and unique section keys', () => {
    expect(checklistRefusal({ title: 't', sections: [] })).toMatchObject({
      code: 'CHECKLIST_INVALID',
    });
    const twice = structuredClone(list);
    twice.sections[1]!.items.push({ id: 'a-1', number: 2, text: 'again' });
    expect(checklistRefusal(twice)).toMatchObject({ details: { duplicateIds: ['a-1'] } });
    const sections = structuredClone(list);
    sections.sections[1]!.key = 'a';
    expect(checklistRefusal(sections)).toMatchObject({ details: { duplicateSections: ['a'] } });
  });
});

describe('a finding’s states', () => {
  it('goes open → reported fixed → verified, or back to open from reported fixed', () => {
    expect(findingStepRefusal('open', 'report_fixed')).toBeNull();
    expect(findingStateAfter('report_fixed')).toBe('reported_fixed');
    expect(findingStepRefusal('reported_fixed', 'verify')).toBeNull();
    expect(findingStateAfter('verify')).toBe('verified');
    expect(findingStepRefusal('reported_fixed', 'reopen')).toBeNull();
    expect(findingStateAfter('reopen')).toBe('open');
  });

  it('refuses every other step with FINDING_STATE', () => {
    for (const [state, step] of [
      ['open', 'verify'],
      ['open', 'reopen'],
      ['reported_fixed', 'report_fixed'],
      ['verified', 'report_fixed'],
      ['verified', 'verify'],
      ['verified', 'reopen'],
    ] as const) {
      expect(findingStepRefusal(state, step)).toMatchObject({
        code: 'FINDING_STATE',
        details: { state, step },
      });
    }
  });
});
