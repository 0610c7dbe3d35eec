import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfirmButton } from './ConfirmButton';

afterEach(cleanup);

describe('a destructive action', () => {
  function renderButton() {
    const onConfirm = vi.fn();
    render(
      <ConfirmButton
        label="無効化"
        question="無効にしますか？"
        confirmLabel="無効化する"
        onConfirm={onConfirm}
      />,
    );
    return onConfirm;
  }

  it('asks first, does nothing on やめる, and returns the focus to the button', async () => {
    const onConfirm = renderButton();
    await userEvent.click(screen.getByRole('button', { name: '無効化' }));
    const group = screen.getByRole('group', { name: '無効化の確認' });
    expect(group.textContent).toContain('無効にしますか？');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: '無効化する' }));
    await userEvent.click(screen.getByRole('button', { name: 'やめる' }));
    expect(onConfirm).not.toHaveBeenCalled();
    expect(screen.queryByRole('group')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: '無効化' }));
  });

  it('acts once on the confirmation, by keyboard alone', async () => {
    const onConfirm = renderButton();
    const user = userEvent.setup();
    await user.tab();
    await user.keyboard('{Enter}');
    await user.keyboard('{Enter}');
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: '無効化' })).toBeTruthy();
  });
});
