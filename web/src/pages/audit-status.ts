import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';

type Item = components['schemas']['AuditStatusItem'];

/** Where a contract stands for the fiscal year, as the service says (done, overdue, due, not required). */
export type AuditState = 'done' | 'overdue' | 'due' | 'not_required';

export function auditStateOf(item: Pick<Item, 'required' | 'done' | 'overdue'>): AuditState {
  if (item.done) return 'done';
  if (!item.required) return 'not_required';
  return item.overdue ? 'overdue' : 'due';
}

export const AUDIT_STATES = {
  overdue: '期限超過',
  due: '未実施',
  done: '実施済み',
  not_required: '対象外',
} satisfies Record<AuditState, string>;

export function useAuditStatus(fiscalYear: number, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['audit-status', fiscalYear],
    queryFn: () => unwrap(api.GET('/api/audits/status', { params: { query: { fiscalYear } } })),
  });
}

/** The fiscal years offered: five back from the current one, and the next. */
export function fiscalYearChoices(current: number): number[] {
  return Array.from({ length: 7 }, (_, i) => current + 1 - i);
}
