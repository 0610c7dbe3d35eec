import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answer, mockApi, renderWithClient } from '../../test/api-mock';
import type { Organization } from './admin-hooks';
import { WebhookSection } from './WebhookSection';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const WARD: Organization = {
  id: 'org-ward',
  name: '新宿区 区民課',
  kind: 'ward',
  documentAddressee: null,
  createdAt: '2026-11-25T01:00:00.000Z',
};
const SECRET = `whsec_${'Q'.repeat(43)}=`;
const saved = {
  organizationId: WARD.id,
  url: 'https://hooks.example.jp/kanribo',
  updatedAt: '2026-11-25T02:00:00.000Z',
  updatedByUserId: 'admin',
};

describe('the webhook screen', () => {
  it('shows the secret the service made once, outside any live region, copies it, and keeps it out of the cache', async () => {
    const { put } = mockApi(
      {
        '/api/organizations': { items: [WARD] },
        '/api/organizations/{id}/webhook': { ...saved, url: 'https://old.example.jp/hook' },
        '/api/organizations/{id}/webhook/deliveries': { items: [] },
      },
      (_path, _init, method) =>
        method === 'PUT' ? answer(200, { ...saved, secret: SECRET }) : undefined,
    );
    const u = userEvent.setup();
    const { client } = renderWithClient(<WebhookSection />);
    await screen.findByRole('option', { name: '新宿区 区民課（区（所管課））' });
    await u.selectOptions(screen.getByLabelText('組織'), WARD.id);
    await u.type(await screen.findByLabelText('送信先 URL'), saved.url);
    await u.click(screen.getByRole('button', { name: '保存する' }));
    expect(put).toHaveBeenCalledWith('/api/organizations/{id}/webhook', {
      params: { path: { id: WARD.id } },
      body: { url: saved.url },
    });

    const status = await screen.findByText('Webhook を保存しました。');
    expect(status.getAttribute('role')).toBe('status');
    const shown = screen.getByText(SECRET);
    expect(shown.closest('[role="status"], [role="alert"], [aria-live]')).toBeNull();
    await u.click(screen.getByRole('button', { name: '署名用のシークレットをコピー' }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(await screen.findByText('コピーしました。')).toBeTruthy();

    // The saved webhook is in the cache (the list shows it), the secret is not.
    expect(client.getQueryData(['webhook', WARD.id])).toEqual(saved);
    const cached = [
      ...client
        .getQueryCache()
        .getAll()
        .map((q) => q.state.data),
      ...client
        .getMutationCache()
        .getAll()
        .map((m) => m.state.data),
    ];
    expect(JSON.stringify(cached)).not.toContain(SECRET);
  });

  it('shows no secret when the admin typed one', async () => {
    const own = `whsec_${'R'.repeat(43)}=`;
    mockApi(
      {
        '/api/organizations': { items: [WARD] },
        '/api/organizations/{id}/webhook': saved,
        '/api/organizations/{id}/webhook/deliveries': { items: [] },
      },
      (_path, _init, method) => (method === 'PUT' ? answer(200, saved) : undefined),
    );
    const u = userEvent.setup();
    renderWithClient(<WebhookSection />);
    await screen.findByRole('option', { name: '新宿区 区民課（区（所管課））' });
    await u.selectOptions(screen.getByLabelText('組織'), WARD.id);
    await u.type(await screen.findByLabelText('送信先 URL'), saved.url);
    await u.type(screen.getByLabelText('署名用のシークレット（任意）'), own);
    await u.click(screen.getByRole('button', { name: '保存する' }));
    await screen.findByText('Webhook を保存しました。');
    expect(screen.queryByRole('button', { name: '署名用のシークレットをコピー' })).toBeNull();
    expect(document.querySelector('code.secret')).toBeNull();
  });
});
