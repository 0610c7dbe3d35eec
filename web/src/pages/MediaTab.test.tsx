import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockApi, renderWithClient } from '../test/api-mock';
import { user, WARD } from '../test/fixtures';
import { holderName, MediaTab } from './MediaTab';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const world = {
  '/api/auth/me': user('officer', 'ward_officer', WARD),
  '/api/contracts/{id}/media': {
    items: [
      {
        id: 'm1',
        contractId: 'c-1',
        kind: 'dvd_r',
        label: '住民-001',
        custody: {
          state: 'held',
          holderOrganizationId: WARD,
          holderUserId: 'officer',
          holder: {
            organizationId: WARD,
            organizationName: '新宿区 戸籍住民課',
            userId: 'officer',
            loginId: 'officer',
            displayName: '区民 花子',
          },
          location: '金庫A',
          since: '2026-09-01T00:00:00.000Z',
        },
      },
    ],
  },
};

describe('the 媒体 tab', () => {
  it('offers to register and store media on a contract in force', async () => {
    mockApi(world);
    renderWithClient(<MediaTab contractId="c-1" active />);
    expect(await screen.findByRole('form', { name: '媒体を登録する' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '住民-001 の保管場所を記録する' })).toBeTruthy();
  });

  it('names who holds each medium, and the organization alone when no one is accountable', async () => {
    mockApi(world);
    renderWithClient(<MediaTab contractId="c-1" active />);
    const table = await screen.findByRole('table', { name: '媒体の一覧（1件）' });
    expect(table.textContent).toContain('区民 花子（新宿区 戸籍住民課）');
    expect(
      holderName({
        organizationId: WARD,
        organizationName: '株式会社デモ情報処理',
        userId: null,
        loginId: null,
        displayName: null,
      }),
    ).toBe('株式会社デモ情報処理');
  });

  it('offers neither on a closed contract, and says why', async () => {
    mockApi(world);
    renderWithClient(<MediaTab contractId="c-1" active={false} />);
    await screen.findByRole('table', { name: '媒体の一覧（1件）' });
    expect(
      await screen.findByText('この契約は終了しています。媒体の登録や保管場所の記録はできません。'),
    ).toBeTruthy();
    expect(screen.queryByRole('form', { name: '媒体を登録する' })).toBeNull();
    expect(screen.queryByRole('button', { name: /保管場所を記録/ })).toBeNull();
  });
});
