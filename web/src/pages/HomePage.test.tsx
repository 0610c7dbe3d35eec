import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { components } from '../api/schema';
import { mockApi, renderWithClient } from '../test/api-mock';
import { contract, user, WARD, X } from '../test/fixtures';
import { HomePage } from './HomePage';

type Work = components['schemas']['WorkResponse'];

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const ref = { id: contract.id, title: contract.title };
const none = { total: 0, items: [] };
const takeout = {
  id: 't-1',
  contract: ref,
  dataItems: ['氏名', '住所'],
  mediaCount: 2,
  mediaRegistered: 1,
  requestedAt: '2026-12-03T01:00:00.000Z',
  applicantName: '区 花子',
  validUntil: '2026-12-17T01:00:00.000Z',
};

const WORK: Work = {
  held: {
    // The service sends the oldest 100 at most: here 1 of 101.
    total: 101,
    items: [
      {
        id: 'm-1',
        contract: ref,
        kind: 'dvd_r',
        label: '住民-001',
        location: null,
        lastEventAt: '2026-12-01T00:00:00.000Z',
      },
    ],
  },
  toReceive: {
    total: 1,
    items: [
      {
        id: 'h-1',
        contract: ref,
        method: 'hand',
        dispatchedAt: '2026-12-03T02:00:00.000Z',
        fromName: '委託 太郎',
        fromOrganizationName: 'X社',
        media: [{ id: 'm-2', label: '住民-002', kind: 'dvd_r' }],
      },
    ],
  },
  noticesToSend: {
    total: 1,
    items: [
      {
        id: 'pw-1',
        contract: ref,
        kind: 'password_notice',
        label: 'PW-001',
        unlocks: { id: 'm-3', label: '住民-003', kind: 'dvd_r' },
        destinationOrganizationName: 'X社',
      },
    ],
  },
  takeoutsToDecide: { total: 1, items: [takeout] },
  takeoutsToUse: { total: 1, items: [{ ...takeout, id: 't-2' }] },
  certificatesToConfirm: {
    total: 1,
    items: [
      {
        id: 'dc-1',
        contract: ref,
        certificateNumber: 'DC-2026-0042',
        submittedAt: '2026-12-02T05:00:00.000Z',
        organizationName: 'X社',
      },
    ],
  },
};

const world = (me: components['schemas']['UserResponse'], work: Work = WORK) => ({
  '/api/auth/me': me,
  '/api/work': work,
  '/api/audits/status': { fiscalYear: 2026, items: [] },
  '/api/notifications': { items: [], total: 0, unread: 0 },
});

/** The section under a heading, once its count is in. */
const section = async (name: RegExp) =>
  (await screen.findByRole('heading', { name })).closest('section')!;

describe('今日の作業', () => {
  it('shows each kind of work the service sends, each item a link to the tab where the officer acts', async () => {
    const { get } = mockApi(world({ ...user('me', 'ward_officer', WARD), approver: true }));
    renderWithClient(<HomePage />);
    const decide = await section(/承認待ちの持出し申請（1件）/);
    expect(within(decide).getByRole('link').getAttribute('href')).toBe('/contracts/c-1/takeout');
    expect(within(decide).getByRole('link').textContent).toContain('氏名、住所（区 花子・');
    const use = await section(/承認済みの持出し申請（1件）/);
    expect(within(use).getByRole('link').textContent).toContain('残り1媒体');
    const confirm = await section(/確認待ちの消去証明書（1件）/);
    expect(within(confirm).getByRole('link').getAttribute('href')).toBe(
      '/contracts/c-1/certificates',
    );
    const notices = await section(/未送付のパスワード通知書（1件）/);
    expect(within(notices).getByRole('link').textContent).toBe(
      `PW-001（住民-003のパスワード・送付先 X社）— ${contract.title}`,
    );
    const receive = await section(/受領待ちの引渡し（1件）/);
    expect(within(receive).getByRole('link').getAttribute('href')).toBe('/contracts/c-1/handovers');
    // The total, with what is shown of it and where the rest are.
    const held = await section(/手元で保管中の媒体（101件）/);
    expect(within(held).getAllByRole('link')).toHaveLength(1);
    expect(held.textContent).toContain('古い順に1件を表示しています。');
    // One request for the work, whatever the number of contracts; no list per contract.
    const asked = get.mock.calls.map((call) => (call as unknown[])[0] as string);
    expect(asked.filter((p) => p === '/api/work')).toHaveLength(1);
    expect(asked.filter((p) => p.startsWith('/api/contracts'))).toEqual([]);
  });

  it('shows a contractor’s handler only the kinds they act on', async () => {
    mockApi(world(user('staff', 'contractor_staff', X), { ...WORK, held: none }));
    renderWithClient(<HomePage />);
    await section(/受領待ちの引渡し（1件）/);
    const held = await section(/手元で保管中の媒体（0件）/);
    expect(held.textContent).toContain('ありません。');
    for (const kind of [/承認待ち/, /承認済み/, /消去証明書/, /立入調査/]) {
      expect(screen.queryByRole('heading', { name: kind })).toBeNull();
    }
  });

  it('asks an auditor for no work at all', async () => {
    const { get } = mockApi(world(user('audit', 'auditor', WARD)));
    renderWithClient(<HomePage />);
    await screen.findByRole('heading', { name: '確認する記録' });
    expect(get.mock.calls.map((call) => (call as unknown[])[0])).not.toContain('/api/work');
  });
});
