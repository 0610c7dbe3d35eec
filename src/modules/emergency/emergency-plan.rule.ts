/**
 * 事故等への対応体制 (checklist 000): before the first handover of a contract,
 * both sides name whom to call in an incident, and both confirm the incident
 * procedure. Pure: the facts are loaded by emergency-plan.queries.
 */

export const PLAN_SIDES = ['ward', 'contractor'] as const;
export type PlanSide = (typeof PLAN_SIDES)[number];

/** One emergency contact (緊急連絡先). */
export interface EmergencyContact {
  name: string;
  /** Their role or post, e.g. 課長, 取扱責任者. */
  role: string;
  phone: string;
  /** When they answer, e.g. 平日 8:30–17:15, 24時間. */
  hours: string;
}

export interface EmergencyPlanFacts {
  wardContacts: EmergencyContact[];
  contractorContacts: EmergencyContact[];
  /** Whether an incident procedure is recorded (a text or a document reference). */
  hasProcedure: boolean;
  /** The day each side confirmed the current procedure, if it has. */
  wardConfirmedOn: string | null;
  contractorConfirmedOn: string | null;
}

export const EMPTY_PLAN: EmergencyPlanFacts = {
  wardContacts: [],
  contractorContacts: [],
  hasProcedure: false,
  wardConfirmedOn: null,
  contractorConfirmedOn: null,
};

export const PLAN_GAPS = [
  'ward_contacts',
  'contractor_contacts',
  'incident_procedure',
  'ward_confirmation',
  'contractor_confirmation',
] as const;
export type PlanGap = (typeof PLAN_GAPS)[number];

/** What the plan still lacks, in a stable order; empty when it is complete. */
export function emergencyPlanGaps(plan: EmergencyPlanFacts): PlanGap[] {
  const gaps: PlanGap[] = [];
  if (plan.wardContacts.length === 0) gaps.push('ward_contacts');
  if (plan.contractorContacts.length === 0) gaps.push('contractor_contacts');
  if (!plan.hasProcedure) gaps.push('incident_procedure');
  if (plan.hasProcedure && plan.wardConfirmedOn === null) gaps.push('ward_confirmation');
  if (plan.hasProcedure && plan.contractorConfirmedOn === null) {
    gaps.push('contractor_confirmation');
  }
  return gaps;
}

/** The gaps that refuse a dispatch: only the contract's first, and only where the plan is required. */
export function firstDispatchGaps(
  required: boolean,
  dispatchedBefore: boolean,
  plan: EmergencyPlanFacts,
): PlanGap[] {
  if (!required || dispatchedBefore) return [];
  return emergencyPlanGaps(plan);
}

/** `山田 太郎（課長）03-1234-5678 平日 8:30–17:15`, one per contact, `、` between. */
export function contactsLine(contacts: readonly EmergencyContact[]): string {
  return contacts.map((c) => `${c.name}（${c.role}）${c.phone} ${c.hours}`).join('、');
}
