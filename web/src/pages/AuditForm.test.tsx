import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditForm, auditorsOf } from './AuditForm';

afterEach(cleanup);

const checklist = {
  contractId: 'c-1',
  version: 0,
  title: 'チェックリスト',
  setAt: null,
  seq: null,
  sections: [
    {
      key: 'operational',
      title: '運用上の対策',
      items: [
        { id: 'op-1', number: 1, text: '責任者を定めている' },
        { id: 'op-2', number: 2, text: '鍵を管理している' },
      ],
    },
  ],
};

async function fillHead() {
  await userEvent.type(screen.getByLabelText('調査日'), '2026-11-20');
  await userEvent.type(screen.getByLabelText('調査者'), '監査 一郎、監査 二郎');
}

describe('the audit form', () => {
  it('reads the auditors one a line or separated by 、', () => {
    expect(auditorsOf('監査 一郎、監査 二郎\n 三郎 ,')).toEqual(['監査 一郎', '監査 二郎', '三郎']);
  });

  it('wants every item answered, said next to the item', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<AuditForm checklist={checklist} onSubmit={submit} />);
    await fillHead();
    await userEvent.click(
      screen.getByLabelText('○（できている）', { selector: '#answer-op-1-yes' }),
    );
    await userEvent.click(screen.getByRole('button', { name: '調査を記録する' }));
    const item2 = screen.getByRole('group', { name: /運用上の対策 2/ });
    expect(item2.textContent).toContain('○・×・−のどれかを選んでください。');
    const item1 = screen.getByRole('group', { name: /運用上の対策 1/ });
    expect(item1.textContent).not.toContain('選んでください');
    expect(submit).not.toHaveBeenCalled();
  });

  it('wants a corrective action and a due date on a ×, and no 良好 with a ×', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<AuditForm checklist={checklist} onSubmit={submit} />);
    await fillHead();
    await userEvent.click(
      screen.getByLabelText('○（できている）', { selector: '#answer-op-1-yes' }),
    );
    await userEvent.click(
      screen.getByLabelText('×（できていない）', { selector: '#answer-op-2-no' }),
    );
    await userEvent.type(screen.getByLabelText('運用上の対策 2 の是正期限'), '2026-11-01');
    await userEvent.click(screen.getByRole('button', { name: '調査を記録する' }));
    expect(await screen.findByText('是正措置を入力してください。')).toBeTruthy();
    expect(screen.getByText('是正期限は調査日以降にしてください。')).toBeTruthy();
    expect(screen.getByText('×の項目があるときは「良好」にできません。')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
  });

  it('wants 所見 for a result that is not 良好 when nothing is ×', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<AuditForm checklist={checklist} onSubmit={submit} />);
    await fillHead();
    await userEvent.selectOptions(screen.getByLabelText('調査結果'), 'unsatisfactory');
    await userEvent.click(
      screen.getByLabelText('○（できている）', { selector: '#answer-op-1-yes' }),
    );
    await userEvent.click(screen.getByLabelText('−（該当なし）', { selector: '#answer-op-2-na' }));
    await userEvent.click(screen.getByRole('button', { name: '調査を記録する' }));
    expect(await screen.findByText('所見を入力してください。')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
  });

  it('sends every answer in the checklist’s order, a × with its corrective action', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<AuditForm checklist={checklist} onSubmit={submit} />);
    await fillHead();
    await userEvent.selectOptions(screen.getByLabelText('調査結果'), 'findings');
    await userEvent.click(
      screen.getByLabelText('×（できていない）', { selector: '#answer-op-2-no' }),
    );
    await userEvent.click(
      screen.getByLabelText('○（できている）', { selector: '#answer-op-1-yes' }),
    );
    await userEvent.type(screen.getByLabelText('運用上の対策 2 の是正措置'), '鍵の台帳を作る');
    await userEvent.type(screen.getByLabelText('運用上の対策 2 の是正期限'), '2026-12-20');
    await userEvent.type(screen.getByLabelText('運用上の対策 1 の備考（任意）'), '確認済み');
    await userEvent.click(screen.getByRole('button', { name: '調査を記録する' }));
    expect(submit).toHaveBeenCalledWith({
      performedOn: '2026-11-20',
      result: 'findings',
      auditors: ['監査 一郎', '監査 二郎'],
      answers: [
        { itemId: 'op-1', answer: 'yes', note: '確認済み' },
        { itemId: 'op-2', answer: 'no', correctiveAction: '鍵の台帳を作る', dueOn: '2026-12-20' },
      ],
    });
  });
});
