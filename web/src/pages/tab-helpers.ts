import type { components } from '../api/schema';
import { BUSINESS_TIMEZONE } from '../format';

type Contract = components['schemas']['ContractResponse'];
type Me = components['schemas']['UserResponse'];

const ISO_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: BUSINESS_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in Tokyo as YYYY-MM-DD (the calendar the ward's dates are kept in). */
export function todayInTokyo(now: Date = new Date()): string {
  return ISO_DAY.format(now);
}

/** The last day a training covers: the day before its lapsesOn (YYYY-MM-DD). */
export function lastValidDay(lapsesOn: string): string {
  const d = new Date(`${lapsesOn}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * A date and time typed in a datetime-local field, taken as Tokyo time, as
 * the instant the API wants ("2026-11-25T10:00" → "2026-11-25T10:00:00+09:00").
 */
export function tokyoInstant(local: string): string {
  return `${local.length === 16 ? `${local}:00` : local}+09:00`;
}

/** 受託者 or 再委託先 for an organization of the contract. */
export function partyOf(contract: Contract, organizationId: string): string {
  if (organizationId === contract.contractorOrganizationId) return '受託者';
  if (contract.subcontractorOrganizationIds.includes(organizationId)) return '再委託先';
  if (organizationId === contract.wardOrganizationId) return '区';
  return '—';
}

/** A ward officer of the contract's own ward (who manages it). */
export function isContractWard(me: Me | undefined, contract: Contract): boolean {
  return me?.role === 'ward_officer' && me.organizationId === contract.wardOrganizationId;
}
