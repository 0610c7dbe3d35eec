import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockApi, renderWithClient } from '../test/api-mock';
import { contract, user, X } from '../test/fixtures';
import { TakeoutTab } from './TakeoutTab';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const request = (n: number) => ({
  id: `t${n}`,
  contractId: 'c-1',
  status: 'requested',
  applicantUserId: 'someone',
  dataItems: ['氏名'],
  recordCount: 100,
  mediaKinds: ['dvd_r'],
  mediaCount: 1,
  mediaRegistered: 0,
  purpose: 'provide',
  plannedOn: '2026-10-01',
  terminalId: `PC-${String(n).padStart(3, '0')}`,
  note: null,
  requestedAt: '2026-09-10T00:00:00.000Z',
  requestedSeq: n,
  decidedByUserId: null,
  decidedAt: null,
  reason: null,
  validUntil: null,
});

describe('the 持出し申請 tab', () => {
  it('shows its requests a page at a time', async () => {
    mockApi({
      '/api/auth/me': user('hand', 'contractor_staff', X),
      '/api/contracts/{id}/takeout-requests': {
        items: Array.from({ length: 51 }, (_, i) => request(i + 1)),
      },
    });
    const u = userEvent.setup();
    renderWithClient(<TakeoutTab contract={contract} />);
    const table = await screen.findByRole('table', { name: '持出し申請の一覧（51件）' });
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 50);
    const pager = screen.getByRole('navigation', { name: '持出し申請の一覧のページ' });
    expect(pager.textContent).toContain('1 / 2 ページ');
    await u.click(within(pager).getByRole('button', { name: '次へ' }));
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 1);
    expect(within(table).getByText(/PC-051/)).toBeTruthy();
  });
});
