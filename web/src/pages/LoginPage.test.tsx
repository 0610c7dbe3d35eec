import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodeForm, PasswordForm } from './LoginPage';

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
    expect(submit).toHaveBeenCalledWith({ code: '123456' }, expect.anything());
  });
});
