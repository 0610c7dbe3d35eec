import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { OneTimeSecret } from '../../components/OneTimeSecret';
import { Pager, usePaged } from '../../components/Pager';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { dateTime, ROLES } from '../../format';
import { useMe } from '../../session';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CreateUserForm, type NewUserRequest } from './CreateUserForm';
import { type Organization, type Role, type User, useOrganizations } from './admin-hooks';

interface Filters {
  organizationId: string;
  role: Role | '';
  active: '' | 'true' | 'false';
  q: string;
}

/** 利用者: the accounts (filtered, paged), the form to add one, and each account's actions. */
export function UsersSection() {
  const organizations = useOrganizations();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<Filters>({
    organizationId: '',
    role: '',
    active: '',
    q: '',
  });
  const [adding, setAdding] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const query = {
    ...(filters.organizationId ? { organizationId: filters.organizationId } : {}),
    ...(filters.role ? { role: filters.role } : {}),
    ...(filters.active ? { active: filters.active === 'true' } : {}),
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
  };
  const users = useQuery({
    queryKey: ['users', query],
    queryFn: () => unwrap(api.GET('/api/users', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const items = users.data?.items ?? [];
  const paged = usePaged(items);
  const orgName = (id: string) =>
    organizations.data?.find((o) => o.id === id)?.name ?? '（不明な組織）';
  const create = useMutation({
    mutationFn: (body: NewUserRequest) => unwrap(api.POST('/api/users', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  const set = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    paged.setPage(0);
  };

  return (
    <>
      <h2>利用者</h2>
      <button
        type="button"
        className="button primary"
        aria-expanded={adding}
        onClick={() => setAdding((a) => !a)}
      >
        利用者を追加
      </button>
      {adding && (
        <section className="panel" aria-labelledby="add-user-heading">
          <h3 id="add-user-heading">利用者の追加</h3>
          <CreateUserForm
            organizations={organizations.data ?? []}
            onSubmit={(values) => create.mutateAsync(values)}
          />
        </section>
      )}
      <ErrorMessage error={organizations.error} />
      <form className="filters" aria-label="利用者の絞り込み" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="組織で絞り込む"
          value={filters.organizationId}
          onChange={(e) => set({ organizationId: e.target.value })}
        >
          <option value="">すべての組織</option>
          {(organizations.data ?? []).map((o: Organization) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="役割で絞り込む"
          value={filters.role}
          onChange={(e) => set({ role: e.target.value as Role | '' })}
        >
          <option value="">すべての役割</option>
          {(Object.keys(ROLES) as Role[]).map((role) => (
            <option key={role} value={role}>
              {ROLES[role]}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="状態で絞り込む"
          value={filters.active}
          onChange={(e) => set({ active: e.target.value as Filters['active'] })}
        >
          <option value="">すべて</option>
          <option value="true">有効</option>
          <option value="false">無効</option>
        </SelectField>
        <TextField
          label="ログインID・氏名で検索"
          type="search"
          value={filters.q}
          maxLength={200}
          onChange={(e) => set({ q: e.target.value })}
        />
      </form>
      <ErrorMessage error={users.error} />
      {users.isPending && <p className="loading">読み込み中…</p>}
      {users.data && (
        <>
          {items.length > 0 && (
            <table>
              <caption>利用者の一覧（{items.length}人）</caption>
              <thead>
                <tr>
                  <th scope="col">ログインID</th>
                  <th scope="col">氏名</th>
                  <th scope="col">メールアドレス</th>
                  <th scope="col">組織</th>
                  <th scope="col">役割</th>
                  <th scope="col">状態</th>
                  <th scope="col">操作</th>
                </tr>
              </thead>
              <tbody>
                {paged.rows.map((u) => (
                  <UserRow
                    key={u.id}
                    user={u}
                    organizationName={orgName(u.organizationId)}
                    open={open === u.id}
                    onToggle={() => setOpen(open === u.id ? null : u.id)}
                  />
                ))}
              </tbody>
            </table>
          )}
          {items.length === 0 && <p>条件に合う利用者はいません。</p>}
          <Pager
            page={paged.page}
            pageCount={paged.pageCount}
            onPage={paged.setPage}
            label="利用者の一覧"
          />
        </>
      )}
    </>
  );
}

function UserRow({
  user,
  organizationName,
  open,
  onToggle,
}: {
  user: User;
  organizationName: string;
  open: boolean;
  onToggle: () => void;
}) {
  const panelId = `user-actions-${user.id}`;
  return (
    <>
      <tr>
        <td>{user.loginId}</td>
        <td>{user.displayName}</td>
        <td>{user.email ?? '（なし）'}</td>
        <td>{organizationName}</td>
        <td>
          {ROLES[user.role]}
          {user.approver && '（承認者）'}
        </td>
        <td>
          {user.active ? (
            <span className="badge success">有効</span>
          ) : (
            <span className="badge error">無効</span>
          )}
          {user.mustChangePassword && <span className="meta">パスワード変更待ち</span>}
        </td>
        <td>
          <button
            type="button"
            className="button secondary"
            aria-expanded={open}
            aria-controls={open ? panelId : undefined}
            aria-label={`${user.loginId} の操作`}
            onClick={onToggle}
          >
            操作
          </button>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={7} id={panelId}>
            <UserActions user={user} />
          </td>
        </tr>
      )}
    </>
  );
}

type Action = 'deactivate' | 'reactivate' | 'reset-password' | 'mfa-reset' | 'unlock' | 'approver';

const DONE: Record<Action, string> = {
  deactivate: '無効化しました。この利用者のセッションはすべて終了しました。',
  reactivate: '再び有効にしました。',
  'reset-password': 'パスワードを再発行しました。',
  'mfa-reset': '二要素認証をリセットしました。次回ログイン時に設定し直します。',
  unlock: 'ロックを解除しました。すぐにログインできます。',
  approver: '承認者の設定を変更しました。',
};

/** What an admin may do to one account, each refusal and result said beside the buttons. */
export function UserActions({ user }: { user: User }) {
  const me = useMe();
  const queryClient = useQueryClient();
  // A new temporary password, shown this once: held here only, never in the mutation cache.
  const [oneTimePassword, setOneTimePassword] = useState<string | null>(null);
  const path = { params: { path: { id: user.id } } };
  const act = useMutation({
    mutationFn: async (action: Action): Promise<void> => {
      switch (action) {
        case 'deactivate':
          await unwrap(api.POST('/api/users/{id}/deactivate', path));
          return;
        case 'reactivate':
          await unwrap(api.POST('/api/users/{id}/reactivate', path));
          return;
        case 'reset-password':
          setOneTimePassword(
            (await unwrap(api.POST('/api/users/{id}/reset-password', path))).oneTimePassword,
          );
          return;
        case 'mfa-reset':
          await unwrap(api.POST('/api/users/{id}/mfa/reset', path));
          return;
        case 'unlock':
          await unwrap(api.POST('/api/users/{id}/unlock', path));
          return;
        case 'approver':
          await unwrap(
            api.PUT('/api/users/{id}/approver', { ...path, body: { approver: !user.approver } }),
          );
          return;
      }
    },
    onMutate: () => setOneTimePassword(null),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  const busy = act.isPending;
  const name = `${user.displayName}（${user.loginId}）の操作`;
  // The service refuses these on one's own account (an admin always remains,
  // and a stolen session must not move the second factor): not offered.
  if (me.data?.id === user.id) {
    return (
      <section className="user-actions" aria-label={name}>
        <p className="meta">登録 {dateTime(user.createdAt)}</p>
        <p className="hint">
          自分自身のアカウントです。無効化・パスワード再発行・二要素認証リセット・ロック解除は、別の管理者が行います。
        </p>
      </section>
    );
  }
  return (
    <section className="user-actions" aria-label={name}>
      <p className="meta">登録 {dateTime(user.createdAt)}</p>
      <div className="actions">
        {user.active ? (
          <ConfirmButton
            label="無効化"
            question={`${user.displayName}（${user.loginId}）を無効にしますか？ログインできなくなり、開いている画面もすぐに使えなくなります。`}
            confirmLabel="無効化する"
            disabled={busy}
            onConfirm={() => act.mutate('deactivate')}
          />
        ) : (
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={() => act.mutate('reactivate')}
          >
            再有効化
          </button>
        )}
        <ConfirmButton
          label="パスワード再発行"
          question="新しい仮パスワードを発行しますか？今のパスワードは使えなくなり、この利用者のセッションはすべて終了します。"
          confirmLabel="再発行する"
          disabled={busy}
          onConfirm={() => act.mutate('reset-password')}
        />
        <ConfirmButton
          label="二要素認証リセット"
          question="二要素認証の設定と回復コードを削除しますか？この利用者のセッションはすべて終了し、次回ログイン時に設定し直します。"
          confirmLabel="リセットする"
          disabled={busy}
          onConfirm={() => act.mutate('mfa-reset')}
        />
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          onClick={() => act.mutate('unlock')}
        >
          ロック解除
        </button>
        {user.role === 'ward_officer' && (
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={() => act.mutate('approver')}
          >
            {user.approver ? '承認者の指定を外す' : '承認者に指定'}
          </button>
        )}
      </div>
      <ErrorMessage error={act.error} />
      {act.isSuccess && act.variables && (
        <div className="result">
          <p role="status" className="success">
            {DONE[act.variables]}
          </p>
          {oneTimePassword && (
            <>
              <OneTimeSecret label="新しい仮パスワード" value={oneTimePassword} />
              <p>この仮パスワードは二度と表示されません。本人に安全な方法で伝えてください。</p>
            </>
          )}
        </div>
      )}
    </section>
  );
}
