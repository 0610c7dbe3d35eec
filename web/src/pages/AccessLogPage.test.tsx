import { readFileSync } from 'node:fs';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { components } from '../api/schema';
import { mockApi, renderWithClient } from '../test/api-mock';
import { ACCESS_LOG_ACTIONS, accessActionLabel } from '../format';
import {
  AccessLogPage,
  accessLogQuery,
  exportHref,
  FilterForm,
  filtersOf,
  resultLabel,
  type AccessLogFilters,
} from './AccessLogPage';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const none: AccessLogFilters = {
  userId: '',
  organizationId: '',
  contractId: '',
  action: '',
  fromDate: '',
  toDate: '',
};

describe('the access log filters', () => {
  it('asks the API for whole days in Tokyo and leaves out what is not set', () => {
    expect(accessLogQuery(none)).toEqual({});
    expect(
      accessLogQuery({
        ...none,
        action: 'ledger.export',
        fromDate: '2026-12-01',
        toDate: '2026-12-03',
      }),
    ).toEqual({
      action: 'ledger.export',
      from: '2026-12-01T00:00:00+09:00',
      to: '2026-12-03T23:59:59.999+09:00',
    });
  });

  it('gives the CSV link the same filters as the rows, and reads them back from the address', () => {
    const filters = { ...none, userId: 'u-1', action: 'login.failed', fromDate: '2026-12-01' };
    const href = exportHref(filters);
    expect(href.startsWith('/api/access-log/export.csv?')).toBe(true);
    const query = new URLSearchParams(href.split('?')[1]);
    expect(Object.fromEntries(query)).toEqual(accessLogQuery(filters));
    expect(exportHref(none)).toBe('/api/access-log/export.csv');
    expect(
      filtersOf(new URLSearchParams('userId=u-1&action=login.failed&fromDate=2026-12-01')),
    ).toEqual(filters);
  });

  it('names actions and results in Japanese, and shows an unknown action as it is', () => {
    expect(accessActionLabel('ledger.export')).toBe('管理簿のCSV出力');
    expect(accessActionLabel('login.failed')).toBe('ログイン失敗');
    expect(accessActionLabel('something.new')).toBe('something.new');
    expect(resultLabel(200)).toBe('成功（200）');
    expect(resultLabel(403)).toBe('拒否（403）');
    expect(resultLabel(422)).toBe('失敗（422）');
    expect(resultLabel(499)).toBe('中断（499）');
    expect(resultLabel(500)).toBe('エラー（500）');
  });
});

describe('the Japanese names of access-log actions', () => {
  it('name every route of the API (its handler, as the service records it) and every account event', () => {
    // The operation ids of the OpenAPI document are Controller_handler, the
    // names the service's access log records as controller.handler.
    const schema = readFileSync('src/api/schema.d.ts', 'utf8'); // vitest runs in web/;
    const operations = [...schema.matchAll(/^ {4}([A-Za-z]+)Controller_([A-Za-z]+): \{/gm)];
    expect(operations.length).toBeGreaterThan(50);
    const actions = operations.map(
      ([, c, m]) => `${c!.charAt(0).toLowerCase()}${c!.slice(1)}.${m}`,
    );
    // The account events, from the service's own list (read as text: its module is server-side).
    const scope = readFileSync('../src/common/http/request-scope.ts', 'utf8');
    const list = /export const ACCOUNT_EVENTS = \[([^\]]*)\]/.exec(scope)?.[1] ?? '';
    const events = [...list.matchAll(/'([a-z_.]+)'/g)].map(([, e]) => e!);
    expect(events).toContain('login.failed');
    const unnamed = [...actions, ...events].filter((a) => !(a in ACCESS_LOG_ACTIONS));
    expect(unnamed).toEqual([]);
  });
});

describe('the access log filter form', () => {
  const users = [
    { id: 'u-1', displayName: '監査 太郎', loginId: 'audit.taro' },
    { id: 'u-2', displayName: '区 花子', loginId: 'ward.hanako' },
  ] as components['schemas']['UserResponse'][];

  function renderForm(onApply = vi.fn()) {
    render(
      <FilterForm
        filters={none}
        users={users}
        organizations={[]}
        contracts={[{ id: 'c-1', title: '住民税業務' }]}
        onApply={onApply}
      />,
    );
    return onApply;
  }

  it('applies the chosen user, action and days', async () => {
    const onApply = renderForm();
    await userEvent.selectOptions(screen.getByLabelText('利用者'), 'u-2');
    await userEvent.selectOptions(screen.getByLabelText('操作'), 'handovers.dispatch');
    await userEvent.type(screen.getByLabelText('期間の開始日'), '2026-12-01');
    await userEvent.click(screen.getByRole('button', { name: '絞り込む' }));
    expect(onApply).toHaveBeenCalledTimes(1);
    expect(onApply.mock.calls[0]?.[0]).toEqual({
      ...none,
      userId: 'u-2',
      action: 'handovers.dispatch',
      fromDate: '2026-12-01',
    });
  });

  it('refuses an end day before the start day, next to the field, and applies nothing', async () => {
    const onApply = renderForm();
    await userEvent.type(screen.getByLabelText('期間の開始日'), '2026-12-03');
    await userEvent.type(screen.getByLabelText('期間の終了日'), '2026-12-01');
    await userEvent.click(screen.getByRole('button', { name: '絞り込む' }));
    expect(await screen.findByText('終了日は開始日以降の日付にしてください。')).toBeTruthy();
    expect(screen.getByLabelText('期間の終了日').getAttribute('aria-invalid')).toBe('true');
    expect(onApply).not.toHaveBeenCalled();
  });

  it('clears every filter at once', async () => {
    const onApply = renderForm();
    await userEvent.selectOptions(screen.getByLabelText('利用者'), 'u-1');
    await userEvent.click(screen.getByRole('button', { name: '条件をクリア' }));
    expect(onApply).toHaveBeenCalledWith(none);
    expect(screen.getByLabelText<HTMLSelectElement>('利用者').value).toBe('');
  });
});

const accessLog = (valid: boolean) => ({
  '/api/access-log/verify': valid
    ? { valid, length: 7, head: 'h' }
    : { valid, firstInvalidSeq: 5, reason: 'hash' },
  '/api/users': { items: [] },
  '/api/organizations': { items: [] },
  '/api/contracts': { items: [] },
  '/api/access-log': { items: [] },
});

describe('the access log’s verification', () => {
  it('is a quiet status on the access log while it holds, and an alert when it does not', async () => {
    mockApi(accessLog(true));
    renderWithClient(<AccessLogPage />);
    const ok = await screen.findByText('検証済み：改ざんなし（7件）');
    expect(ok.getAttribute('role')).toBe('status');
    expect(screen.queryByRole('alert')).toBeNull();
    cleanup();

    mockApi(accessLog(false));
    renderWithClient(<AccessLogPage />);
    const broken = await screen.findByRole('alert');
    expect(broken.textContent).toBe('検証エラー：連番5以降が記録と一致しません');
  });
});
