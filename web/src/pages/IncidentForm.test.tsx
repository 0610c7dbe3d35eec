import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { components } from '../api/schema';
import { IncidentForm } from './IncidentForm';
import { StoreForm } from './StoreForm';

afterEach(cleanup);

type Medium = components['schemas']['MediumResponse'];
const medium = (id: string, label: string) =>
  ({ id, label, custody: { state: 'held' } }) as unknown as Medium;

describe('the incident form', () => {
  it('wants a medium and what happened, said next to each, and sends nothing', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<IncidentForm media={[medium('m-1', '住民-001')]} onSubmit={submit} />);
    await userEvent.click(screen.getByRole('button', { name: '報告する' }));
    expect(await screen.findByText('関係する媒体を選んでください。')).toBeTruthy();
    expect(screen.getByText('何が起きたかを入力してください。')).toBeTruthy();
    expect(screen.getByLabelText('何が起きたか').getAttribute('aria-invalid')).toBe('true');
    expect(submit).not.toHaveBeenCalled();
  });

  it('sends the kind, the media, the text, and the time taken as Japan time', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(
      <IncidentForm
        media={[medium('m-1', '住民-001'), medium('m-2', '住民-002')]}
        onSubmit={submit}
      />,
    );
    await userEvent.selectOptions(screen.getByLabelText('事故の種類'), 'lost');
    await userEvent.click(screen.getByLabelText('住民-002（保管中）'));
    await userEvent.type(screen.getByLabelText('何が起きたか'), '搬送中にカバンを紛失');
    await userEvent.type(screen.getByLabelText('発生日時（任意）'), '2026-11-25T10:30');
    await userEvent.click(screen.getByRole('button', { name: '報告する' }));
    expect(submit).toHaveBeenCalledWith({
      kind: 'lost',
      mediumIds: ['m-2'],
      description: '搬送中にカバンを紛失',
      occurredAt: '2026-11-25T10:30:00+09:00',
    });
  });
});

describe('the storage form', () => {
  it('wants the place, next to its field', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(<StoreForm mediumLabel="住民-001" places={null} onSubmit={submit} onCancel={vi.fn()} />);
    expect(document.activeElement).toBe(
      screen.getByLabelText('保管場所（施錠できる金庫・キャビネット）'),
    );
    await userEvent.type(screen.getByLabelText('保管場所（施錠できる金庫・キャビネット）'), '   ');
    await userEvent.click(screen.getByRole('button', { name: '記録する' }));
    expect(await screen.findByText('保管場所を入力してください。')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
  });

  it('sends the place, and the designated place when one is chosen', async () => {
    const submit = vi.fn((_body: unknown) => Promise.resolve());
    render(
      <StoreForm
        mediumLabel="住民-001"
        places={[{ id: 'p-1', name: '本社 保管室' }]}
        onSubmit={submit}
        onCancel={vi.fn()}
      />,
    );
    await userEvent.type(
      screen.getByLabelText('保管場所（施錠できる金庫・キャビネット）'),
      '金庫A',
    );
    await userEvent.selectOptions(screen.getByLabelText('区が指定した保管場所'), 'p-1');
    await userEvent.click(screen.getByRole('button', { name: '記録する' }));
    expect(submit).toHaveBeenCalledWith({ location: '金庫A', placeId: 'p-1' });
  });
});
