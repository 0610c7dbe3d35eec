import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answer, mockApi, renderWithClient } from '../test/api-mock';
import { contract, rosterEntry, user, WARD, X } from '../test/fixtures';
import { OutstandingTab } from './OutstandingTab';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const OUT = [
  { reason: 'in_transit', mediumId: 'm1', kind: 'dvd_r', label: '住民-001', handoverId: 'h1' },
  {
    reason: 'not_returned',
    mediumId: 'm2',
    kind: 'password_notice',
    label: 'PW-001',
    state: 'held',
    holderOrganizationId: X,
    holderUserId: 'hand',
    location: '本社 金庫A',
  },
  { reason: 'certificate_pending', organizationId: X, certificateIds: ['a', 'b'] },
  { reason: 'certificate_missing', organizationId: 'org-z' },
];

const world = (role: 'ward_officer' | 'auditor', items: unknown[] = OUT) => ({
  '/api/auth/me': user('me', role, WARD),
  '/api/contracts/{id}/roster': { items: [rosterEntry('hand', 'handler')] },
  '/api/contracts/{id}/outstanding': { closable: items.length === 0, status: 'active', items },
});

describe('the 未返却・未消去 tab', () => {
  it('lists what is still out, in Japanese, with who holds it and where', async () => {
    mockApi(world('ward_officer'));
    renderWithClient(
      <OutstandingTab contract={{ ...contract, subcontractorOrganizationIds: ['org-z'] }} />,
    );
    await screen.findByRole('table', { name: '契約の終了までに残っているもの（4件）' });
    const cells = (name: RegExp) =>
      within(screen.getByRole('row', { name }))
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(cells(/住民-001/)).toEqual([
      '住民-001（DVD-R）',
      '引渡しの途中（受領されていません）',
      '—',
    ]);
    expect(cells(/PW-001/)).toEqual([
      'PW-001（パスワード通知書）',
      '未返却・未消去（保管中）',
      '委託先・hand さん・本社 金庫A',
    ]);
    expect(cells(/確認待ち/)).toEqual([
      '委託先の消去証明書',
      '消去証明書が区の確認待ち（2件）',
      '委託先',
    ]);
    expect(cells(/未提出/)).toEqual(['再委託先の消去証明書', '消去証明書が未提出', '再委託先']);
  });

  it('closes only after a confirmation, and shows the refusal with its list in Japanese', async () => {
    const { post } = mockApi(world('ward_officer', []), () =>
      answer(409, {
        statusCode: 409,
        code: 'OUTSTANDING_CUSTODY',
        message: '1 item(s) are still outstanding',
        details: { items: [OUT[0]] },
      }),
    );
    const u = userEvent.setup();
    renderWithClient(<OutstandingTab contract={contract} />);
    await screen.findByText('未返却・未消去のものはありません。契約を終了できます。');
    await u.click(screen.getByRole('button', { name: '契約を終了する' }));
    expect(post).not.toHaveBeenCalled();
    await u.click(screen.getByRole('button', { name: 'やめる' }));
    expect(post).not.toHaveBeenCalled();
    await u.click(screen.getByRole('button', { name: '契約を終了する' }));
    await u.click(screen.getByRole('button', { name: '終了する' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('契約を終了できません。');
    expect(alert.textContent).not.toContain('OUTSTANDING_CUSTODY');
    const refused = screen.getByRole('table', { name: '終了できなかった理由（1件）' });
    expect(refused.textContent).toContain('住民-001（DVD-R）');
    expect(post).toHaveBeenCalledTimes(1);
    expect(post.mock.calls[0]![0]).toBe('/api/contracts/{id}/close');
  });

  it('says the contract is closed when it is', async () => {
    mockApi(world('ward_officer', []));
    renderWithClient(<OutstandingTab contract={contract} />);
    await screen.findByText('未返却・未消去のものはありません。契約を終了できます。');
    cleanup();
    vi.restoreAllMocks();
    mockApi({
      ...world('ward_officer', []),
      '/api/contracts/{id}/outstanding': { closable: false, status: 'closed', items: [] },
    });
    renderWithClient(<OutstandingTab contract={{ ...contract, status: 'closed' }} />);
    await screen.findByText('この契約は終了しています。');
    expect(screen.queryByRole('button', { name: '契約を終了する' })).toBeNull();
  });

  it('offers an auditor no button', async () => {
    mockApi(world('auditor'));
    renderWithClient(<OutstandingTab contract={contract} />);
    await screen.findByRole('table');
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });
});
