import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answer, mockApi, renderWithClient } from '../../test/api-mock';
import { user, WARD } from '../../test/fixtures';
import { UserActions } from './UsersSection';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const admin = user('admin', 'admin', WARD);
const officer = user('tanaka', 'ward_officer', WARD);
const OFFERED = ['無効化', 'パスワード再発行', '二要素認証リセット', 'ロック解除'];

describe('an account’s actions', () => {
  it('offers none of the actions the service refuses on the admin’s own account, and says why', async () => {
    mockApi({ '/api/auth/me': admin });
    renderWithClient(<UserActions user={admin} />);
    expect(
      await screen.findByText(
        '自分自身のアカウントです。無効化・パスワード再発行・二要素認証リセット・ロック解除は、別の管理者が行います。',
      ),
    ).toBeTruthy();
    for (const name of OFFERED) expect(screen.queryByRole('button', { name })).toBeNull();
  });

  it('offers them on another account, and shows a new temporary password outside any live region', async () => {
    const { post } = mockApi({ '/api/auth/me': admin }, (path) =>
      path === '/api/users/{id}/reset-password'
        ? answer(200, { user: officer, oneTimePassword: 'kT7vQmcXr4HwaYp9ELdu' })
        : undefined,
    );
    const u = userEvent.setup();
    const { client } = renderWithClient(<UserActions user={officer} />);
    await screen.findByRole('button', { name: '無効化' });
    for (const name of OFFERED) expect(screen.getByRole('button', { name })).toBeTruthy();
    await u.click(screen.getByRole('button', { name: 'パスワード再発行' }));
    await u.click(screen.getByRole('button', { name: '再発行する' }));
    expect(post).toHaveBeenCalledTimes(1);
    const done = await screen.findByText('パスワードを再発行しました。');
    expect(done.getAttribute('role')).toBe('status');
    const shown = screen.getByText('kT7vQmcXr4HwaYp9ELdu');
    expect(shown.closest('[role="status"], [role="alert"], [aria-live]')).toBeNull();
    expect(screen.getByRole('button', { name: '新しい仮パスワードをコピー' })).toBeTruthy();
    const mutations = client
      .getMutationCache()
      .getAll()
      .map((m) => m.state.data);
    expect(JSON.stringify(mutations)).not.toContain('kT7vQmcXr4HwaYp9ELdu');
  });
});
