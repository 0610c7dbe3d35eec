import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { ErrorMessage } from './ErrorMessage';

afterEach(cleanup);

describe('an action’s refusal on screen', () => {
  it('says the split-channel refusal in Japanese with the time the notice may go, in Japan time', () => {
    render(
      <ErrorMessage
        error={
          new ApiError(422, 'SPLIT_CHANNEL_VIOLATION', {
            rule: 'same_occasion',
            earliestAt: '2026-12-03T06:42:00.000Z',
          })
        }
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('パスワード通知書は媒体と別の機会に送ってください。');
    expect(alert.textContent).toContain('送付できるのは 2026/12/03 15:42 以降です。');
    expect(alert.textContent).not.toContain('SPLIT_CHANNEL_VIOLATION');
  });

  it('never shows raw JSON or English, also when the network fails', () => {
    render(<ErrorMessage error={new TypeError('Failed to fetch')} />);
    expect(screen.getByRole('alert').textContent).toBe(
      '通信できませんでした。接続を確認してください。',
    );
  });

  it('shows nothing without an error', () => {
    const { container } = render(<ErrorMessage error={null} />);
    expect(container.textContent).toBe('');
  });
});
