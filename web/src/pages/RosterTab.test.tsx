import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answer, mockApi, renderWithClient } from '../test/api-mock';
import { contract, rosterEntry, user, WARD, X } from '../test/fixtures';
import { RosterTab } from './RosterTab';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const TRAININGS = '/api/contracts/{id}/trainings';
const training = {
  id: 't-1',
  contractId: 'c-1',
  userId: 'hand',
  organizationId: X,
  trainedOn: '2026-09-01',
  course: '情報セキュリティ研修',
  trainer: '総務課',
  lapsesOn: '2099-01-01',
  recordedByUserId: 'me',
  recordedAt: '2026-09-01T00:00:00.000Z',
  seq: 3,
};

/** The roster answered at once; the trainings when the test says. */
function world() {
  const { get } = mockApi({
    '/api/auth/me': user('me', 'ward_officer', WARD),
    '/api/contracts/{id}/roster': { items: [rosterEntry('hand', 'handler')] },
  });
  const answered = get.getMockImplementation()!;
  let trainings!: (status: number, body: unknown) => void;
  const later = new Promise((resolve) => {
    trainings = (status, body) => resolve(answer(status, body));
  });
  get.mockImplementation(((path: string, init: unknown) =>
    path === TRAININGS
      ? later
      : (answered as (p: string, i: unknown) => unknown)(path, init)) as never);
  return { trainings };
}

/** The 教育 cell of hand さん's roster row. */
const educationCell = () =>
  within(
    within(screen.getByRole('table', { name: /取扱者名簿/ })).getByRole('row', {
      name: /hand さん/,
    }),
  ).getAllByRole('cell')[5]!;

describe('the 名簿 tab', () => {
  it('says 確認中… in the 教育 column until the trainings have been read, then what they say', async () => {
    const { trainings } = world();
    renderWithClient(<RosterTab contract={contract} />);
    await screen.findByRole('table', { name: /取扱者名簿/ });
    // Not 記録なし: nothing is known yet.
    expect(educationCell().textContent).toBe('確認中…');
    trainings(200, { items: [training] });
    await waitFor(() => expect(educationCell().textContent).toMatch(/^受講済み（.*まで有効）$/));
  });

  it('says 記録なし only once the trainings have been read and hold none for the person', async () => {
    const { trainings } = world();
    renderWithClient(<RosterTab contract={contract} />);
    await screen.findByRole('table', { name: /取扱者名簿/ });
    trainings(200, { items: [{ ...training, userId: 'someone-else' }] });
    await waitFor(() => expect(educationCell().textContent).toBe('記録なし'));
  });

  it('says 不明 when the trainings could not be read', async () => {
    const { trainings } = world();
    renderWithClient(<RosterTab contract={contract} />);
    await screen.findByRole('table', { name: /取扱者名簿/ });
    trainings(500, { code: 'INTERNAL', message: 'boom' });
    await waitFor(() => expect(educationCell().textContent).toBe('不明'));
  });
});
