import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors';
import { RosterEntryForm, TrainingForm } from './RosterForms';

afterEach(cleanup);

const form = (name: string) => screen.getByRole('form', { name });

describe('the roster form', () => {
  it('asks for the login ID next to its field and sends nothing', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<RosterEntryForm requireTraining onSubmit={submit} />);
    await userEvent.click(screen.getByRole('button', { name: '名簿に追加する' }));
    const field = screen.getByLabelText('ログインID（受託者・再委託先の担当者）');
    expect(await screen.findByText('ログインIDを入力してください。')).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(submit).not.toHaveBeenCalled();
  });

  it('wants all of a training or none of it, and an end not before the start', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<RosterEntryForm requireTraining onSubmit={submit} />);
    await userEvent.type(
      screen.getByLabelText('ログインID（受託者・再委託先の担当者）'),
      'x.staff',
    );
    await userEvent.type(screen.getByLabelText('研修名'), '個人情報研修');
    await userEvent.type(screen.getByLabelText('有効期間の開始日（任意）'), '2026-12-01');
    await userEvent.type(screen.getByLabelText('有効期間の終了日（任意）'), '2026-11-30');
    await userEvent.click(screen.getByRole('button', { name: '名簿に追加する' }));
    expect(await screen.findByText('受講日を入力してください。')).toBeTruthy();
    expect(screen.getByText('実施者を入力してください。')).toBeTruthy();
    expect(screen.getByText('終了日は開始日以降にしてください。')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
  });

  it('sends the entry with its training, and leaves out what was not given', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<RosterEntryForm requireTraining={false} onSubmit={submit} />);
    await userEvent.type(
      screen.getByLabelText('ログインID（受託者・再委託先の担当者）'),
      ' x.staff ',
    );
    await userEvent.selectOptions(screen.getByLabelText('契約上の役割'), 'responsible');
    await userEvent.type(screen.getByLabelText('受講日'), '2026-11-20');
    await userEvent.type(screen.getByLabelText('研修名'), '個人情報研修');
    await userEvent.type(screen.getByLabelText('実施者'), '情報セキュリティ委員会');
    await userEvent.click(screen.getByRole('button', { name: '名簿に追加する' }));
    expect(submit).toHaveBeenCalledWith({
      userId: 'x.staff',
      role: 'responsible',
      training: {
        trainedOn: '2026-11-20',
        course: '個人情報研修',
        trainer: '情報セキュリティ委員会',
      },
    });
  });

  it('shows the API’s refusal in Japanese next to the action, never the code', () => {
    render(
      <RosterEntryForm
        requireTraining
        onSubmit={() => Promise.resolve()}
        error={new ApiError(422, 'TRAINING_REQUIRED')}
      />,
    );
    const alert = within(form('名簿に追加する')).getByRole('alert');
    expect(alert.textContent).toContain('教育の記録がないか');
    expect(alert.textContent).not.toContain('TRAINING_REQUIRED');
  });
});

describe('the training form', () => {
  const people = [{ userId: 'u-1', displayName: '受託 太郎' }];

  it('asks for each field in Japanese and sends nothing', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<TrainingForm people={people} onSubmit={submit} />);
    await userEvent.click(screen.getByRole('button', { name: '受講を記録する' }));
    expect(await screen.findByText('受講した人を選んでください。')).toBeTruthy();
    expect(screen.getByText('受講日を入力してください。')).toBeTruthy();
    expect(screen.getByText('研修名を入力してください。')).toBeTruthy();
    expect(screen.getByText('実施者を入力してください。')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
  });

  it('sends the person and the training', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<TrainingForm people={people} onSubmit={submit} />);
    await userEvent.selectOptions(screen.getByLabelText('受講した人'), 'u-1');
    await userEvent.type(screen.getByLabelText('受講日'), '2026-11-20');
    await userEvent.type(screen.getByLabelText('研修名'), '研修');
    await userEvent.type(screen.getByLabelText('実施者'), '委員会');
    await userEvent.click(screen.getByRole('button', { name: '受講を記録する' }));
    expect(submit).toHaveBeenCalledWith({
      userId: 'u-1',
      trainedOn: '2026-11-20',
      course: '研修',
      trainer: '委員会',
    });
  });
});
