import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answer, mockApi, renderWithClient } from '../test/api-mock';
import { user, WARD, X } from '../test/fixtures';
import { FINGERPRINT_CHUNK } from './file-fingerprint';
import { ReceiveAction } from './ReceiveAction';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const SHA_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

const world = {
  '/api/auth/me': user('hand', 'contractor_staff', X),
  '/api/contracts/{id}/handovers': {
    items: [
      {
        id: 'h1',
        media: [
          { mediumId: 'f1', label: 'kazei.zip', kind: 'encrypted_file' },
          { mediumId: 'p1', label: '紙-001', kind: 'paper' },
        ],
      },
    ],
  },
  '/api/contracts/{id}/media': {
    items: [
      { id: 'f1', label: 'kazei.zip', sha256: SHA_ABC, custody: { holderOrganizationId: WARD } },
      { id: 'p1', label: '紙-001', sha256: null, custody: { holderOrganizationId: WARD } },
    ],
  },
};

const RECEIVE = 'kazei.zip、紙-001 を受領する（封印異常なし）';

const receipt = (compromised: string[]) => ({
  id: 'h1',
  seq: 5,
  status: 'received',
  hash: 'h',
  items: [
    { mediumId: 'f1', label: 'kazei.zip', kind: 'encrypted_file' },
    { mediumId: 'p1', label: '紙-001', kind: 'paper' },
  ],
  compromisedMediumIds: compromised,
  incidentIds: compromised.length > 0 ? ['i1'] : [],
});

describe('receiving a handover with a file fingerprint', () => {
  it('asks for a file only for the items with a registered fingerprint, and sends its SHA-256 keyed by medium id', async () => {
    const { post } = mockApi(world, () => answer(201, receipt([])));
    const u = userEvent.setup();
    renderWithClient(<ReceiveAction contractId="c-1" handoverId="h1" />);
    const input = await screen.findByLabelText('kazei.zip のファイル');
    expect(screen.queryByLabelText('紙-001 のファイル')).toBeNull();
    await u.upload(input, new File(['abc'], 'kazei.zip'));
    expect(await screen.findByText(`SHA-256：${SHA_ABC}`)).toBeTruthy();
    await u.click(screen.getByRole('button', { name: RECEIVE }));
    expect(post).toHaveBeenCalledWith('/api/contracts/{id}/handovers/{handoverId}/receive', {
      params: { path: { id: 'c-1', handoverId: 'h1' } },
      body: { sealIntact: true, sha256: { f1: SHA_ABC } },
    });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('sends no fingerprint when no file is picked (the check is optional)', async () => {
    const { post } = mockApi(world, () => answer(201, receipt([])));
    const u = userEvent.setup();
    renderWithClient(<ReceiveAction contractId="c-1" handoverId="h1" />);
    await screen.findByLabelText('kazei.zip のファイル');
    await u.click(screen.getByRole('button', { name: RECEIVE }));
    expect(post.mock.calls[0]![1]).toEqual({
      params: { path: { id: 'c-1', handoverId: 'h1' } },
      body: { sealIntact: true },
    });
  });

  it('says a mismatch in Japanese when the service marks the file compromised', async () => {
    mockApi(world, () => answer(201, receipt(['f1'])));
    const u = userEvent.setup();
    renderWithClient(<ReceiveAction contractId="c-1" handoverId="h1" />);
    await u.upload(
      await screen.findByLabelText('kazei.zip のファイル'),
      new File(['abd'], 'x.zip'),
    );
    await screen.findByText(/^SHA-256：/);
    await u.click(screen.getByRole('button', { name: RECEIVE }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'kazei.zip のファイルの指紋（SHA-256）が、登録時のものと一致しません。',
    );
    expect(screen.getByRole('button', { name: '確認しました' })).toBeTruthy();
  });

  it('shows how far a large file has been read, and lets nobody receive before its fingerprint is known', async () => {
    const { post } = mockApi(world, () => answer(201, receipt([])));
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A file of two slices whose bytes arrive only when the test says so.
    class SlowFile extends File {
      override slice(start?: number, end?: number) {
        const part = super.slice(start, end);
        return { arrayBuffer: () => gate.then(() => part.arrayBuffer()) } as Blob;
      }
    }
    const big = new SlowFile([new Uint8Array(FINGERPRINT_CHUNK + 1)], 'kazei.zip');
    const u = userEvent.setup();
    renderWithClient(<ReceiveAction contractId="c-1" handoverId="h1" />);
    await u.upload(await screen.findByLabelText('kazei.zip のファイル'), big);
    expect((await screen.findByRole('status')).textContent).toBe('SHA-256 を計算しています…');
    expect(
      screen.getByRole('progressbar', { name: 'kazei.zip のファイルの指紋の計算' }),
    ).toBeTruthy();
    const receive = screen.getByRole<HTMLButtonElement>('button', { name: RECEIVE });
    expect(receive.disabled).toBe(true);
    release();
    expect(await screen.findByText(/^SHA-256：[0-9a-f]{64}$/)).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(receive.disabled).toBe(false);
    expect(post).not.toHaveBeenCalled();
  });

  it('asks on the page before recording a broken seal, naming what the handover carries', async () => {
    const { post } = mockApi(world, () => answer(201, receipt([])));
    const confirm = vi.spyOn(window, 'confirm');
    const u = userEvent.setup();
    renderWithClient(<ReceiveAction contractId="c-1" handoverId="h1" />);
    await u.click(
      await screen.findByRole('button', { name: 'kazei.zip、紙-001 の封印に異常あり' }),
    );
    const group = screen.getByRole('group', { name: 'kazei.zip、紙-001 の封印に異常ありの確認' });
    expect(group.textContent).toContain('事故として報告されます。');
    expect(post).not.toHaveBeenCalled();
    await u.click(within(group).getByRole('button', { name: 'やめる' }));
    expect(post).not.toHaveBeenCalled();
    await u.click(screen.getByRole('button', { name: 'kazei.zip、紙-001 の封印に異常あり' }));
    await u.click(screen.getByRole('button', { name: '異常ありとして受領する' }));
    expect(post).toHaveBeenCalledWith('/api/contracts/{id}/handovers/{handoverId}/receive', {
      params: { path: { id: 'c-1', handoverId: 'h1' } },
      body: { sealIntact: false },
    });
    expect(confirm).not.toHaveBeenCalled();
  });
});
