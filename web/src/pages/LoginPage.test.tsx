import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors';
import { CodeForm, LockoutMessage, PasswordForm } from './LoginPage';

afterEach(cleanup);

describe('the login forms', () => {
  it('says in Japanese, next to each field, what is missing, and sends nothing', async () => {
    const submit = vi.fn((_values: unknown) => Promise.resolve());
    render(<PasswordForm onSubmit={submit} />);
    await userEvent.click(screen.getByRole('button', { name: 'ログイン' }));
    expect(await screen.findByText('ログインIDを入力してください。')).toBeTruthy();
    expect(screen.getByText('パスワードを入力してください。')).toBeTruthy();
    const loginId = screen.getByLabelText('ログインID');
    expect(loginId.getAttribute('aria-invalid')).toBe('true');
    expect(loginId.getAttribute('aria-describedby')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
  });

  it('sends the credentials once both are given', async () => {
    const submit = vi.fn((_values: unknown) => Promise.resolve());
    render(<PasswordForm onSubmit={submit} />);
    await userEvent.type(screen.getByLabelText('ログインID'), 'demo.officer');
    await userEvent.type(screen.getByLabelText('パスワード'), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'ログイン' }));
    expect(submit).toHaveBeenCalledTimes(1);
    expect(submit.mock.calls[0]?.[0]).toEqual({
      loginId: 'demo.officer',
      password: 'secret-password',
    });
  });

  it('takes six digits as the second factor, nothing else', async () => {
    const submit = vi.fn((_values: unknown) => Promise.resolve());
    render(<CodeForm onSubmit={submit} />);
    await userEvent.type(screen.getByLabelText('確認コード'), '12345a');
    await userEvent.click(screen.getByRole('button', { name: '確認' }));
    expect(await screen.findByText('確認コードは6桁の数字です。')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
    await userEvent.clear(screen.getByLabelText('確認コード'));
    await userEvent.type(screen.getByLabelText('確認コード'), '123456');
    await userEvent.click(screen.getByRole('button', { name: '確認' }));
    expect(submit).toHaveBeenCalledWith({ code: '123456' });
  });

  it('takes a recovery code instead, and sends it as one', async () => {
    const submit = vi.fn((_values: unknown) => Promise.resolve());
    render(<CodeForm onSubmit={submit} />);
    await userEvent.click(screen.getByRole('button', { name: '回復コードを使う' }));
    expect(screen.queryByLabelText('確認コード')).toBeNull();
    await userEvent.type(screen.getByLabelText('回復コード'), 'abc');
    await userEvent.click(screen.getByRole('button', { name: '確認' }));
    expect(
      await screen.findByText('回復コードは英数字10〜20文字です（例: 7k2m9-q4x8d）。'),
    ).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
    await userEvent.clear(screen.getByLabelText('回復コード'));
    await userEvent.type(screen.getByLabelText('回復コード'), '7k2m9-q4x8d');
    await userEvent.click(screen.getByRole('button', { name: '確認' }));
    expect(submit).toHaveBeenCalledWith({ code: '7k2m9-q4x8d', recovery: true });
    // And back to the six digits.
    await userEvent.click(screen.getByRole('button', { name: '確認コードを使う' }));
    expect(screen.getByLabelText('確認コード')).toBeTruthy();
  });
});

describe('the lockout on screen', () => {
  it('says the login id is locked, and until when in Japan time', () => {
    render(
      <LockoutMessage
        error={new ApiError(429, 'TOO_MANY_ATTEMPTS', { retryAfterSeconds: 900 })}
        now={new Date('2026-12-03T06:30:00.000Z')}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('このログインIDは一時的にロックされています。');
    expect(alert.textContent).toContain('2026/12/03 15:45 ごろに解除されます。');
    expect(alert.textContent).toContain('システム管理者にロックの解除を依頼');
  });

  it('says no time when the answer gives none', () => {
    render(<LockoutMessage error={new ApiError(429, 'TOO_MANY_ATTEMPTS', {})} now={new Date()} />);
    expect(screen.getByRole('alert').textContent).not.toContain('ごろに解除');
  });
});
