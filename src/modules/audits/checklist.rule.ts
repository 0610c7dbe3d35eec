import type { Refusal } from '../../common/errors/domain-error.js';

/**
 * The on-site audit as a checklist (立入調査, seed 001/002 特記事項 15–17):
 * the items of seed 000's 個人情報保護対策チェックリスト that the contractor
 * is made to keep, each answered ○ (done), × (not done) or − (not needed),
 * and every × a finding with a corrective action (是正措置) that the audited
 * organization owns until the auditing side verifies it. Pure rules.
 */

/** ○ / × / − as the API spells them. */
export const CHECKLIST_ANSWERS = ['yes', 'no', 'na'] as const;
export type ChecklistAnswer = (typeof CHECKLIST_ANSWERS)[number];
export const ANSWER_MARKS: Record<ChecklistAnswer, string> = { yes: '○', no: '×', na: '−' };

export interface ChecklistItem {
  id: string;
  number: number;
  text: string;
}

export interface ChecklistSection {
  key: string;
  title: string;
  items: ChecklistItem[];
}

export interface Checklist {
  title: string;
  sections: ChecklistSection[];
}

/** An item with the section it stands in. */
export interface PlacedItem extends ChecklistItem {
  section: string;
}

export function checklistItems(checklist: Checklist): PlacedItem[] {
  return checklist.sections.flatMap((s) => s.items.map((i) => ({ ...i, section: s.title })));
}

/** A checklist a ward may set: at least one item, ids unique across the list, sections named once. */
export function checklistRefusal(checklist: Checklist): Refusal<'CHECKLIST_INVALID'> | null {
  const ids = checklistItems(checklist).map((i) => i.id);
  const duplicateIds = [...new Set(ids.filter((id, n) => ids.indexOf(id) !== n))];
  const keys = checklist.sections.map((s) => s.key);
  const duplicateSections = [...new Set(keys.filter((k, n) => keys.indexOf(k) !== n))];
  if (ids.length === 0 || duplicateIds.length > 0 || duplicateSections.length > 0) {
    return {
      code: 'CHECKLIST_INVALID',
      message: 'A checklist needs at least one item, unique item ids and unique section keys',
      details: { duplicateIds, duplicateSections },
    };
  }
  return null;
}

export interface AnswerInput {
  itemId: string;
  answer: ChecklistAnswer;
  note?: string | undefined;
  /** Required on a ×: the corrective action (是正措置) the audited organization takes. */
  correctiveAction?: string | undefined;
  /** Required on a ×: when the corrective action is due (YYYY-MM-DD). */
  dueOn?: string | undefined;
}

export type AnswersRefusalCode =
  | 'UNKNOWN_CHECKLIST_ITEM'
  | 'CHECKLIST_INCOMPLETE'
  | 'FINDING_INCOMPLETE'
  | 'AUDIT_RESULT_MISMATCH';

/**
 * Answers to the checklist in force: each item once (unknown or repeated →
 * UNKNOWN_CHECKLIST_ITEM), none left out (CHECKLIST_INCOMPLETE), every × with
 * a corrective action due on or after the audit (FINDING_INCOMPLETE), and a
 * result that is not `satisfactory` when there is a × (AUDIT_RESULT_MISMATCH).
 */
export function answersRefusal(
  checklist: Checklist,
  answers: readonly AnswerInput[],
  audit: { performedOn: string; result: string },
): Refusal<AnswersRefusalCode> | null {
  const known = new Set(checklistItems(checklist).map((i) => i.id));
  const given = answers.map((a) => a.itemId);
  const unknown = given.filter((id) => !known.has(id));
  const repeated = [...new Set(given.filter((id, n) => given.indexOf(id) !== n))];
  if (unknown.length > 0 || repeated.length > 0) {
    return {
      code: 'UNKNOWN_CHECKLIST_ITEM',
      message: 'Answer each item of the contract’s checklist once, and no other',
      details: { unknown, repeated },
    };
  }
  const missing = [...known].filter((id) => !given.includes(id));
  if (missing.length > 0) {
    return {
      code: 'CHECKLIST_INCOMPLETE',
      message: 'Every item of the checklist needs an answer (○, × or −)',
      details: { missing },
    };
  }
  const incomplete = answers
    .filter((a) => a.answer === 'no')
    .filter((a) => !a.correctiveAction?.trim() || !a.dueOn || a.dueOn < audit.performedOn)
    .map((a) => a.itemId);
  if (incomplete.length > 0) {
    return {
      code: 'FINDING_INCOMPLETE',
      message: 'Every × needs a corrective action (是正措置) and a due date on or after the audit',
      details: { itemIds: incomplete, performedOn: audit.performedOn },
    };
  }
  if (audit.result === 'satisfactory' && answers.some((a) => a.answer === 'no')) {
    return {
      code: 'AUDIT_RESULT_MISMATCH',
      message: 'An audit with a × is not satisfactory',
      details: { itemIds: answers.filter((a) => a.answer === 'no').map((a) => a.itemId) },
    };
  }
  return null;
}

/** The checklist version an audit used and each item's answer (○ / × / − and a note). */
export interface AnsweredChecklist {
  version: number;
  title: string;
  answers: Array<{
    itemId: string;
    section: string;
    number: number;
    text: string;
    answer: ChecklistAnswer;
    note: string | null;
  }>;
}

/** A × of the checklist, with its corrective action (是正措置). */
export interface FindingRef {
  findingId: string;
  itemId: string;
  /** `運用上の対策 10` */
  itemLabel: string;
  itemText: string;
  correctiveAction: string;
  dueOn: string;
}

/**
 * The answers, once {@link answersRefusal} passed them, in the checklist's
 * order with each item's wording frozen beside its answer, and a finding for
 * every × (`newId` names it).
 */
export function answeredChecklist(
  checklist: Checklist & { version: number },
  answers: readonly AnswerInput[],
  newId: () => string,
): { checklist: AnsweredChecklist; findings: FindingRef[] } {
  const byItem = new Map(answers.map((a) => [a.itemId, a]));
  const rows = checklistItems(checklist).map((item) => ({ item, answer: byItem.get(item.id)! }));
  return {
    checklist: {
      version: checklist.version,
      title: checklist.title,
      answers: rows.map(({ item, answer }) => ({
        itemId: item.id,
        section: item.section,
        number: item.number,
        text: item.text,
        answer: answer.answer,
        note: answer.note?.trim() || null,
      })),
    },
    findings: rows
      .filter(({ answer }) => answer.answer === 'no')
      .map(({ item, answer }) => ({
        findingId: newId(),
        itemId: item.id,
        itemLabel: `${item.section} ${item.number}`,
        itemText: item.text,
        correctiveAction: answer.correctiveAction!.trim(),
        dueOn: answer.dueOn!,
      })),
  };
}

/** A finding's life: open → reported fixed (by its owner) → verified (by the auditing side). */
export const FINDING_STATES = ['open', 'reported_fixed', 'verified'] as const;
export type FindingState = (typeof FINDING_STATES)[number];

/** What can be done to a finding, and by whom: the owner reports, the auditing side decides. */
export type FindingStep = 'report_fixed' | 'verify' | 'reopen';

const STEP_FROM: Record<FindingStep, FindingState> = {
  report_fixed: 'open',
  verify: 'reported_fixed',
  reopen: 'reported_fixed',
};

const STEP_TO: Record<FindingStep, FindingState> = {
  report_fixed: 'reported_fixed',
  verify: 'verified',
  reopen: 'open',
};

/** 409 FINDING_STATE unless the finding is in the state the step starts from. */
export function findingStepRefusal(
  state: FindingState,
  step: FindingStep,
): Refusal<'FINDING_STATE'> | null {
  if (STEP_FROM[step] === state) return null;
  return {
    code: 'FINDING_STATE',
    message: `A finding that is ${state} cannot be ${step === 'report_fixed' ? 'reported fixed' : step === 'verify' ? 'verified' : 'reopened'}`,
    details: { state, step, expected: STEP_FROM[step] },
  };
}

export function findingStateAfter(step: FindingStep): FindingState {
  return STEP_TO[step];
}
