import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { components } from '../../api/schema';
import { ErrorMessage } from '../../components/ErrorMessage';
import { OneTimeSecret } from '../../components/OneTimeSecret';
import { Pager, usePaged } from '../../components/Pager';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { dateTime } from '../../format';
import { type Organization, useOrganizations } from './admin-hooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { OrganizationPicker, useChosenOrganization } from './OrganizationPicker';

type Delivery = components['schemas']['DeliveryResponse'];
type DeliveryStatus = Delivery['status'];

const DELIVERY_STATUSES = {
  pending: '送信待ち・再試行中',
  delivered: '配信済み',
  failed: '配信失敗',
} satisfies Record<DeliveryStatus, string>;

const NOTIFICATION_KINDS: Record<Delivery['kind'], string> = {
  audit_due: '立入調査の期日',
  audit_overdue: '立入調査の期限超過',
  handover_not_received: '引渡しの未受領',
  password_notice_outstanding: 'パスワード通知書の未処理',
  medium_outstanding: '媒体の未返却・未消去',
  media_not_returned: '契約終了後の未返却',
  incident: '事故',
  takeout_pending: '持出し申請の承認待ち',
  training_lapsing: '教育記録の期限切れ間近',
  audit_finding_open: '指摘事項の是正待ち',
  audit_finding_unverified: '是正報告の確認待ち',
  status_report_unanswered: '状況報告の未回答',
  ledger_tampering: '管理簿の改ざん検出',
};

/** Webhook: where an organization's notifications are also sent, and what was sent. */
export function WebhookSection() {
  const organizations = useOrganizations();
  const { chosen, id, choose } = useChosenOrganization(organizations.data);
  return (
    <>
      <h2>Webhook</h2>
      <p>組織あての通知を、その組織のシステムにも送る宛先（署名付きのHTTP POST）です。</p>
      <ErrorMessage error={organizations.error} />
      <OrganizationPicker organizations={organizations.data ?? []} value={id} onChange={choose} />
      {chosen && <Webhook key={chosen.id} organization={chosen} />}
    </>
  );
}

interface WebhookSettings {
  url: string;
  secret: string;
}

function Webhook({ organization }: { organization: Organization }) {
  const queryClient = useQueryClient();
  const path = { params: { path: { id: organization.id } } };
  const key = ['webhook', organization.id];
  const webhook = useQuery({
    queryKey: key,
    queryFn: async () => {
      try {
        return await unwrap(api.GET('/api/organizations/{id}/webhook', path));
      } catch (e) {
        if (e instanceof ApiError && e.code === 'WEBHOOK_NOT_FOUND') return null;
        throw e;
      }
    },
  });
  const form = useForm<WebhookSettings>({ defaultValues: { url: '', secret: '' } });
  const { errors, isSubmitting } = form.formState;
  // The secret the service made, shown this once: held here only, never in
  // the query or mutation cache, and gone when the screen is left.
  const [madeSecret, setMadeSecret] = useState<string | null>(null);
  const configure = useMutation({
    mutationFn: async (body: { url: string; secret?: string }) => {
      setMadeSecret(null);
      const { secret, ...webhook } = await unwrap(
        api.PUT('/api/organizations/{id}/webhook', { ...path, body }),
      );
      setMadeSecret(secret ?? null);
      return webhook;
    },
    onSuccess: (webhook) => {
      form.reset();
      queryClient.setQueryData(key, webhook);
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/organizations/{id}/webhook', path)),
    onSuccess: () => queryClient.setQueryData(key, null),
  });
  const current = webhook.data;
  return (
    <>
      <section aria-labelledby="webhook-state-heading">
        <h3 id="webhook-state-heading">{organization.name}の Webhook</h3>
        <ErrorMessage error={webhook.error} />
        {current === null && <p>設定されていません。</p>}
        {current && (
          <>
            <dl className="facts">
              <dt>送信先 URL</dt>
              <dd>
                <code>{current.url}</code>
              </dd>
              <dt>更新日時</dt>
              <dd>{dateTime(current.updatedAt)}</dd>
            </dl>
            <ConfirmButton
              label="Webhook を削除"
              question="この Webhook を削除しますか？送信待ちの通知は送られなくなります。"
              confirmLabel="削除する"
              disabled={remove.isPending}
              onConfirm={() => {
                configure.reset();
                setMadeSecret(null);
                remove.mutate();
              }}
            />
          </>
        )}
        <ErrorMessage error={remove.error} />
        {remove.isSuccess && (
          <p role="status" className="success">
            Webhook を削除しました。
          </p>
        )}
      </section>
      <section className="panel" aria-labelledby="webhook-form-heading">
        <h3 id="webhook-form-heading">{current ? 'Webhook の変更' : 'Webhook の設定'}</h3>
        <form
          aria-label="Webhook の設定"
          noValidate
          onSubmit={(e) =>
            void form.handleSubmit((v) => {
              remove.reset();
              return configure
                .mutateAsync({ url: v.url.trim(), ...(v.secret ? { secret: v.secret } : {}) })
                .catch(() => undefined);
            })(e)
          }
        >
          <TextField
            label="送信先 URL"
            type="url"
            autoComplete="off"
            hint="https:// で始まる、受信側のアドレス"
            error={errors.url?.message}
            {...form.register('url', {
              required: '送信先 URL を入力してください。',
              maxLength: { value: 2000, message: 'URL は2000文字以内にしてください。' },
              pattern: {
                value: /^https?:\/\/\S+$/,
                message: 'https:// で始まる URL を入力してください。',
              },
            })}
          />
          <TextField
            label="署名用のシークレット（任意）"
            type="password"
            autoComplete="new-password"
            hint="空欄なら新しいシークレットを作り、保存後に一度だけ表示します。自分で決める場合は Standard Webhooks 形式（whsec_ で始まる Base64、24〜64バイト）。"
            error={errors.secret?.message}
            {...form.register('secret', {
              maxLength: { value: 96, message: 'シークレットが長すぎます。' },
              pattern: {
                value: /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/,
                message: 'シークレットは whsec_ で始まる Standard Webhooks 形式にしてください。',
              },
            })}
          />
          <button type="submit" className="button primary" disabled={isSubmitting}>
            保存する
          </button>
        </form>
        <ErrorMessage error={configure.error} />
        {configure.isSuccess && (
          <p role="status" className="success">
            Webhook を保存しました。
          </p>
        )}
        {configure.isSuccess && madeSecret && (
          <div className="panel one-time">
            <p>
              受信側で署名を検証するシークレットです。この画面を離れると二度と表示されません。受信側に設定してください。
            </p>
            <OneTimeSecret label="署名用のシークレット" value={madeSecret} />
          </div>
        )}
      </section>
      <Deliveries organization={organization} />
    </>
  );
}

function Deliveries({ organization }: { organization: Organization }) {
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const deliveries = useQuery({
    queryKey: ['webhook-deliveries', organization.id, status],
    queryFn: () =>
      unwrap(
        api.GET('/api/organizations/{id}/webhook/deliveries', {
          params: {
            path: { id: organization.id },
            query: status ? { status, limit: 500 } : { limit: 500 },
          },
        }),
      ),
    // The list stays while another filter loads, instead of blinking out.
    placeholderData: keepPreviousData,
  });
  const items = deliveries.data?.items ?? [];
  const paged = usePaged(items);
  return (
    <section aria-labelledby="deliveries-heading">
      <h3 id="deliveries-heading">配信の記録</h3>
      <div className="picker">
        <SelectField
          label="配信の状態で絞り込む"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as DeliveryStatus | '');
            paged.setPage(0);
          }}
        >
          <option value="">すべて</option>
          {(Object.keys(DELIVERY_STATUSES) as DeliveryStatus[]).map((s) => (
            <option key={s} value={s}>
              {DELIVERY_STATUSES[s]}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorMessage error={deliveries.error} />
      {deliveries.data && (
        <>
          {items.length > 0 && (
            <table>
              <caption>配信の記録（新しい順、{items.length}件）</caption>
              <thead>
                <tr>
                  <th scope="col">作成日時</th>
                  <th scope="col">通知</th>
                  <th scope="col">状態</th>
                  <th scope="col">試行</th>
                  <th scope="col">最後の応答</th>
                </tr>
              </thead>
              <tbody>
                {paged.rows.map((d) => (
                  <tr key={d.id}>
                    <td>{dateTime(d.createdAt)}</td>
                    <td>
                      {NOTIFICATION_KINDS[d.kind] ?? d.kind}
                      <p className="meta">配信ID {d.id}</p>
                    </td>
                    <td>
                      {DELIVERY_STATUSES[d.status]}
                      {d.completedAt && <p className="meta">{dateTime(d.completedAt)}</p>}
                      {d.status === 'pending' && d.nextAttemptAt && (
                        <p className="meta">次回 {dateTime(d.nextAttemptAt)}</p>
                      )}
                    </td>
                    <td>
                      {d.attempts}回
                      {d.lastAttemptAt && <p className="meta">最終 {dateTime(d.lastAttemptAt)}</p>}
                    </td>
                    <td>
                      {d.lastStatusCode !== null && `HTTP ${d.lastStatusCode}`}
                      {d.lastError && d.lastError !== `HTTP ${d.lastStatusCode}` && (
                        <p className="meta">詳細: {d.lastError}</p>
                      )}
                      {d.lastStatusCode === null && !d.lastError && '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {items.length === 0 && <p>配信の記録はありません。</p>}
          <Pager
            page={paged.page}
            pageCount={paged.pageCount}
            onPage={paged.setPage}
            label="配信の記録"
          />
        </>
      )}
    </section>
  );
}
