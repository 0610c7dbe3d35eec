import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answer, mockApi, renderWithClient } from '../../test/api-mock';
import type { Organization } from './admin-hooks';
import { OrganizationsSection } from './OrganizationsSection';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const WARD: Organization = {
  id: 'org-ward',
  name: '新宿区 区民課',
  kind: 'ward',
  documentAddressee: '新宿区長 殿',
  createdAt: '2026-11-25T01:00:00.000Z',
};

describe('an organization’s addressee (宛名)', () => {
  it('opens on the current value each time: not what was typed and dropped, and as saved', async () => {
    const world: Record<string, unknown> = { '/api/organizations': { items: [WARD] } };
    const { patch } = mockApi(world, (path, init, method) => {
      if (method !== 'PATCH' || path !== '/api/organizations/{id}') return undefined;
      const saved = { ...WARD, ...(init.body as object) };
      world['/api/organizations'] = { items: [saved] };
      return answer(200, saved);
    });
    const u = userEvent.setup();
    renderWithClient(<OrganizationsSection />);
    const open = async () => {
      await u.click(await screen.findByRole('button', { name: '新宿区 区民課の宛名を変更' }));
      return screen.getByRole<HTMLInputElement>('textbox', { name: '新宿区 区民課の宛名' });
    };

    let field = await open();
    expect(field.value).toBe('新宿区長 殿');
    await u.clear(field);
    await u.type(field, '書きかけ');
    await u.click(screen.getByRole('button', { name: 'やめる' }));
    field = await open();
    expect(field.value).toBe('新宿区長 殿');

    await u.clear(field);
    await u.type(field, '  新宿区 区民課長 殿  ');
    await u.click(screen.getByRole('button', { name: '保存する' }));
    expect(patch).toHaveBeenCalledWith('/api/organizations/{id}', {
      params: { path: { id: WARD.id } },
      body: { documentAddressee: '新宿区 区民課長 殿' },
    });
    await screen.findByText('新宿区 区民課長 殿');
    field = await open();
    expect(field.value).toBe('新宿区 区民課長 殿');
  });
});
