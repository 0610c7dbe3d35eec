import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockApi, renderWithClient } from '../test/api-mock';
import { LedgerTab } from './LedgerTab';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const ledger = (valid: boolean) => ({
  '/api/contracts/{id}/ledger/verify': valid
    ? { valid, length: 3, head: 'h' }
    : { valid, length: 3, firstInvalidSeq: 2 },
  '/api/contracts/{id}/ledger': { items: [], length: 3 },
});

describe('the verification of a hash chain', () => {
  it('is a quiet status on the 管理簿 tab while the chain holds, and an alert when it does not', async () => {
    mockApi(ledger(true));
    renderWithClient(<LedgerTab contractId="c-1" />);
    const ok = await screen.findByText('検証済み：改ざんなし（3件）');
    expect(ok.getAttribute('role')).toBe('status');
    expect(screen.queryByRole('alert')).toBeNull();
    cleanup();

    mockApi(ledger(false));
    renderWithClient(<LedgerTab contractId="c-1" />);
    const broken = await screen.findByRole('alert');
    expect(broken.textContent).toBe('検証エラー：記録が改ざんされている可能性があります');
  });
});
