import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChecklistEditor } from './ChecklistEditor';

afterEach(cleanup);

const checklist = {
  contractId: 'c-1',
  version: 0,
  title: 'チェックリスト',
  setAt: null,
  seq: null,
  sections: [
    {
      key: 'op',
      title: '運用上の対策',
      items: [
        { id: 'op-1', number: 1, text: '責任者を定めている' },
        { id: 'op-2', number: 2, text: '鍵を管理している' },
      ],
    },
  ],
};

describe('the checklist editor', () => {
  it('wants every item to say something, next to the item, and sends nothing', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<ChecklistEditor checklist={checklist} onSubmit={submit} onCancel={vi.fn()} />);
    await userEvent.click(screen.getByRole('button', { name: '運用上の対策に項目を追加' }));
    await userEvent.click(screen.getByRole('button', { name: 'チェックリストを保存する' }));
    const added = screen.getByLabelText('運用上の対策 3');
    expect(added.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('項目の内容を入力してください。')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
  });

  it('refuses a list with no item left', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<ChecklistEditor checklist={checklist} onSubmit={submit} onCancel={vi.fn()} />);
    await userEvent.click(screen.getByRole('button', { name: '運用上の対策 2 を削除' }));
    await userEvent.click(screen.getByRole('button', { name: '運用上の対策 1 を削除' }));
    await userEvent.click(screen.getByRole('button', { name: 'チェックリストを保存する' }));
    expect(screen.getByText('項目を1つ以上残してください。')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
  });

  it('sends the edited list, items renumbered in order, old ids kept and a new one unused', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<ChecklistEditor checklist={checklist} onSubmit={submit} onCancel={vi.fn()} />);
    await userEvent.click(screen.getByRole('button', { name: '運用上の対策 1 を削除' }));
    await userEvent.click(screen.getByRole('button', { name: '運用上の対策に項目を追加' }));
    await userEvent.type(screen.getByLabelText('運用上の対策 2'), '私物の媒体を持ち込ませていない');
    await userEvent.click(screen.getByRole('button', { name: 'チェックリストを保存する' }));
    expect(submit).toHaveBeenCalledWith({
      title: 'チェックリスト',
      sections: [
        {
          key: 'op',
          title: '運用上の対策',
          items: [
            { id: 'op-2', number: 1, text: '鍵を管理している' },
            { id: 'op-n1', number: 2, text: '私物の媒体を持ち込ませていない' },
          ],
        },
      ],
    });
  });
});
