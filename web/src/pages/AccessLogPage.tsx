import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ChainVerdict } from '../components/ChainVerdict';
import { ErrorMessage } from '../components/ErrorMessage';
import { PAGE_SIZE, Pager } from '../components/Pager';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';
import { ACCESS_LOG_ACTIONS, accessActionLabel, dateTimeSeconds, ROLES } from '../format';

type Entry = components['schemas']['AccessLogEntryResponse'];
type User = components['schemas']['UserResponse'];

/** The filters as the address keeps them (so a reload or a shared link shows the same rows). */
export interface AccessLogFilters {
  userId: string;
  organizationId: string;
  contractId: string;
  action: string;
  /** YYYY-MM-DD, a day in Tokyo: from its start. */
  fromDate: string;
  /** YYYY-MM-DD, a day in Tokyo: to its end. */
  toDate: string;
}

const FILTER_KEYS = [
  'userId',
  'organizationId',
  'contractId',
  'action',
  'fromDate',
  'toDate',
] as const satisfies readonly (keyof AccessLogFilters)[];

export function filtersOf(params: URLSearchParams): AccessLogFilters {
  const f = {} as AccessLogFilters;
  for (const key of FILTER_KEYS) f[key] = params.get(key) ?? '';
  return f;
}

/** The filters as the API takes them: days in Tokyo become instants, empty ones are left out. */
export function accessLogQuery(f: AccessLogFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (f.userId) query.userId = f.userId;
  if (f.organizationId) query.organizationId = f.organizationId;
  if (f.contractId) query.contractId = f.contractId;
  if (f.action) query.action = f.action;
  if (f.fromDate) query.from = `${f.fromDate}T00:00:00+09:00`;
  if (f.toDate) query.to = `${f.toDate}T23:59:59.999+09:00`;
  return query;
}

/** The address of the CSV of the same rows (every page). */
export function exportHref(f: AccessLogFilters): string {
  const query = new URLSearchParams(accessLogQuery(f)).toString();
  return `/api/access-log/export.csv${query ? `?${query}` : ''}`;
}

/** 成功, 拒否 (403), … for the status an entry recorded. */
export function resultLabel(status: number): string {
  if (status === 499) return '中断（499）';
  if (status < 400) return `成功（${status}）`;
  if (status === 401 || status === 403) return `拒否（${status}）`;
  if (status < 500) return `失敗（${status}）`;
  return `エラー（${status}）`;
}

/** アクセスログ: the auditor reads, filters, pages and downloads the access log, and sees its chain checked. */
export function AccessLogPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => unwrap(api.GET('/api/users')),
  });
  const organizations = useQuery({
    queryKey: ['organizations'],
    queryFn: () => unwrap(api.GET('/api/organizations')),
  });
  const contracts = useQuery({
    queryKey: ['contracts'],
    queryFn: () => unwrap(api.GET('/api/contracts')),
  });
  const verify = useQuery({
    queryKey: ['access-log-verify'],
    queryFn: () => unwrap(api.GET('/api/access-log/verify')),
  });
  const usersById = new Map((users.data?.items ?? []).map((u) => [u.id, u]));
  const contractTitle = new Map((contracts.data?.items ?? []).map((c) => [c.id, c.title]));

  const apply = (f: AccessLogFilters) => {
    const next = new URLSearchParams();
    for (const key of FILTER_KEYS) if (f[key]) next.set(key, f[key]);
    setParams(next);
  };

  return (
    <section>
      <h1>アクセスログ</h1>
      {verify.data && (
        <ChainVerdict valid={verify.data.valid}>
          {verify.data.valid
            ? `検証済み：改ざんなし（${verify.data.length ?? 0}件）`
            : `検証エラー：連番${verify.data.firstInvalidSeq ?? '?'}以降が記録と一致しません`}
        </ChainVerdict>
      )}
      <ErrorMessage error={verify.error ?? users.error ?? organizations.error ?? contracts.error} />
      {/* The selects can show the filters of the address once their options are in. */}
      {users.isPending || organizations.isPending || contracts.isPending ? (
        <p className="loading">読み込み中…</p>
      ) : (
        <FilterForm
          key={params.toString()}
          filters={filters}
          users={users.data?.items ?? []}
          organizations={organizations.data?.items ?? []}
          contracts={contracts.data?.items ?? []}
          onApply={apply}
        />
      )}
      <p className="downloads">
        <a href={exportHref(filters)} download>
          この条件で CSV をダウンロード
        </a>
      </p>
      <Entries
        key={params.toString()}
        filters={filters}
        usersById={usersById}
        contractTitle={contractTitle}
      />
    </section>
  );
}

export function FilterForm({
  filters,
  users,
  organizations,
  contracts,
  onApply,
}: {
  filters: AccessLogFilters;
  users: User[];
  organizations: { id: string; name: string }[];
  contracts: { id: string; title: string }[];
  onApply: (f: AccessLogFilters) => void;
}) {
  const form = useForm<AccessLogFilters>({ defaultValues: filters });
  const { errors } = form.formState;
  const empty: AccessLogFilters = {
    userId: '',
    organizationId: '',
    contractId: '',
    action: '',
    fromDate: '',
    toDate: '',
  };
  // Actions the filter offers: every one with a label, and one the address names that has none.
  const actions = Object.entries(ACCESS_LOG_ACTIONS);
  if (filters.action && !(filters.action in ACCESS_LOG_ACTIONS)) {
    actions.unshift([filters.action, filters.action]);
  }
  return (
    <form
      aria-labelledby="access-log-filter-title"
      className="panel filters"
      noValidate
      onSubmit={(e) => void form.handleSubmit(onApply)(e)}
    >
      <h2 id="access-log-filter-title">絞り込み</h2>
      <SelectField label="利用者" {...form.register('userId')}>
        <option value="">すべて</option>
        {users.map((u) => (
          <option key={u.id} value={u.id}>
            {u.displayName}（{u.loginId}）
          </option>
        ))}
      </SelectField>
      <SelectField label="組織" {...form.register('organizationId')}>
        <option value="">すべて</option>
        {organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </SelectField>
      <SelectField label="契約" {...form.register('contractId')}>
        <option value="">すべて</option>
        {contracts.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title}
          </option>
        ))}
      </SelectField>
      <SelectField label="操作" {...form.register('action')}>
        <option value="">すべて</option>
        {actions.map(([action, label]) => (
          <option key={action} value={action}>
            {label}（{action}）
          </option>
        ))}
      </SelectField>
      <TextField label="期間の開始日" type="date" {...form.register('fromDate')} />
      <TextField
        label="期間の終了日"
        type="date"
        error={errors.toDate?.message}
        {...form.register('toDate', {
          validate: (to, all) =>
            !to ||
            !all.fromDate ||
            to >= all.fromDate ||
            '終了日は開始日以降の日付にしてください。',
        })}
      />
      <div className="actions">
        <button type="submit" className="button primary">
          絞り込む
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            form.reset(empty);
            onApply(empty);
          }}
        >
          条件をクリア
        </button>
      </div>
    </form>
  );
}

/** The rows of the filters, a server page (after a seq) at a time. */
function Entries({
  filters,
  usersById,
  contractTitle,
}: {
  filters: AccessLogFilters;
  usersById: Map<string, User>;
  contractTitle: Map<string, string>;
}) {
  // The afterSeq of each page reached so far (keyset paging: page n starts after cursors[n]).
  const [cursors, setCursors] = useState<number[]>([0]);
  const [page, setPage] = useState(0);
  const afterSeq = cursors[page] ?? 0;
  const query = accessLogQuery(filters);
  const entries = useQuery({
    queryKey: ['access-log', query, afterSeq],
    queryFn: () =>
      unwrap(
        api.GET('/api/access-log', {
          params: { query: { ...query, afterSeq, limit: PAGE_SIZE } },
        }),
      ),
  });
  const next = entries.data?.nextAfterSeq ?? null;
  const pageCount = Math.max(cursors.length, next === null ? page + 1 : page + 2);
  const onPage = (to: number) => {
    if (to > page && next !== null && cursors.length <= to) setCursors([...cursors, next]);
    setPage(to);
  };
  const who = (e: Entry) => {
    const user = e.userId ? usersById.get(e.userId) : undefined;
    if (user) return `${user.displayName}（${user.loginId}）`;
    if (e.loginId) return `ログインID ${e.loginId}`;
    return e.userId ? '（一覧にない利用者）' : '—';
  };
  const target = (e: Entry) => {
    const parts: string[] = [];
    if (e.contractId) parts.push(`契約「${contractTitle.get(e.contractId) ?? e.contractId}」`);
    if (e.resourceId) {
      const user = usersById.get(e.resourceId);
      parts.push(user ? `利用者 ${user.displayName}` : e.resourceId);
    }
    return parts.length ? parts.join('・') : '—';
  };
  if (entries.error) return <ErrorMessage error={entries.error} />;
  if (!entries.data) return <p className="loading">読み込み中…</p>;
  const first = entries.data.items[0]?.seq;
  const last = entries.data.items.at(-1)?.seq;
  return (
    <>
      <div className="table-scroll" role="region" aria-label="アクセスログの表" tabIndex={0}>
        <table>
          <caption>
            アクセスログ（{page + 1}ページ目：
            {first === undefined ? '該当する記録はありません' : `連番${first}〜${last}`}）
          </caption>
          <thead>
            <tr>
              <th scope="col">連番</th>
              <th scope="col">日時</th>
              <th scope="col">利用者</th>
              <th scope="col">役割</th>
              <th scope="col">操作</th>
              <th scope="col">対象</th>
              <th scope="col">結果</th>
            </tr>
          </thead>
          <tbody>
            {entries.data.items.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{dateTimeSeconds(e.recordedAt)}</td>
                <td>{who(e)}</td>
                <td>{e.role ? (ROLES[e.role as keyof typeof ROLES] ?? e.role) : '—'}</td>
                <td>
                  {accessActionLabel(e.action)}
                  <span className="meta route">
                    {e.method} {e.route}
                  </span>
                </td>
                <td>{target(e)}</td>
                <td>{resultLabel(e.statusCode)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        page={page}
        pageCount={pageCount}
        onPage={onPage}
        label="アクセスログ"
        countKnown={false}
      />
    </>
  );
}
