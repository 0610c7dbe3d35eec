import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { ApiError } from '../api/errors';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pager, usePaged } from '../components/Pager';
import { CUSTODY_STATES, MEDIUM_KINDS } from '../format';
import { useMe } from '../session';
import { organizationLabel, useRoster } from './CertificatesTab';
import type { Contract } from './ContractPage';

type Kind = keyof typeof MEDIUM_KINDS;
type State = keyof typeof CUSTODY_STATES;

/** One thing that stands between the contract and its close, as GET …/outstanding and 409 OUTSTANDING_CUSTODY list it. */
export type OutstandingItem =
  | { reason: 'in_transit'; mediumId: string; kind: Kind; label: string; handoverId: string }
  | {
      reason: 'not_returned';
      mediumId: string;
      kind: Kind;
      label: string;
      state: State;
      holderOrganizationId: string;
      holderUserId: string | null;
      location: string | null;
    }
  | { reason: 'certificate_pending'; organizationId: string; certificateIds: string[] }
  | { reason: 'certificate_missing'; organizationId: string };

const REASONS = {
  in_transit: '引渡しの途中（受領されていません）',
  not_returned: '未返却・未消去',
  certificate_pending: '消去証明書が区の確認待ち',
  certificate_missing: '消去証明書が未提出',
} satisfies Record<OutstandingItem['reason'], string>;

/** The items of an answer, kept to the shapes this screen knows. */
export function outstandingItems(value: unknown): OutstandingItem[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (i): i is OutstandingItem =>
      typeof i === 'object' && i !== null && typeof (i as { reason?: unknown }).reason === 'string',
  );
}

/** What the item is and what is missing, in Japanese. */
export function describeOutstanding(
  item: OutstandingItem,
  names: { organization: (id: string) => string; user: (id: string | null) => string },
): { what: string; why: string; where: string } {
  switch (item.reason) {
    case 'in_transit':
      return {
        what: `${item.label}（${MEDIUM_KINDS[item.kind] ?? item.kind}）`,
        why: REASONS.in_transit,
        where: '—',
      };
    case 'not_returned':
      return {
        what: `${item.label}（${MEDIUM_KINDS[item.kind] ?? item.kind}）`,
        why: `${REASONS.not_returned}（${CUSTODY_STATES[item.state] ?? item.state}）`,
        where: [
          names.organization(item.holderOrganizationId),
          item.holderUserId ? names.user(item.holderUserId) : null,
          item.location,
        ]
          .filter(Boolean)
          .join('・'),
      };
    case 'certificate_pending':
      return {
        what: `${names.organization(item.organizationId)}の消去証明書`,
        why: `${REASONS.certificate_pending}（${item.certificateIds.length}件）`,
        where: names.organization(item.organizationId),
      };
    case 'certificate_missing':
      return {
        what: `${names.organization(item.organizationId)}の消去証明書`,
        why: REASONS.certificate_missing,
        where: names.organization(item.organizationId),
      };
  }
}

/**
 * 未返却・未消去: what still stands between the contract and its close, and
 * for the ward officer the close itself, refused with the list while
 * anything is out.
 */
export function OutstandingTab({ contract }: { contract: Contract }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const roster = useRoster(contract.id);
  const [confirming, setConfirming] = useState(false);
  const outstanding = useQuery({
    queryKey: ['outstanding', contract.id],
    queryFn: () =>
      unwrap(api.GET('/api/contracts/{id}/outstanding', { params: { path: { id: contract.id } } })),
  });
  const close = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/contracts/{id}/close', { params: { path: { id: contract.id } } })),
    onSettled: async () => {
      setConfirming(false);
      for (const key of ['outstanding', 'contract', 'ledger']) {
        await queryClient.invalidateQueries({ queryKey: [key, contract.id] });
      }
    },
  });
  const names = {
    organization: (id: string) => organizationLabel(contract, id),
    user: (id: string | null) =>
      roster.data?.items.find((r) => r.userId === id)?.displayName ?? '区の職員',
  };
  const items = outstandingItems(outstanding.data?.items);
  const refused =
    close.error instanceof ApiError && close.error.code === 'OUTSTANDING_CUSTODY'
      ? outstandingItems(close.error.details.items)
      : null;
  const closes = me.data?.role === 'ward_officer' && contract.status === 'active';

  return (
    <>
      <h2>未返却・未消去</h2>
      {close.isSuccess && (
        <p role="status" className="success">
          契約を終了しました（管理簿 連番 {close.data.seq}）。
        </p>
      )}
      <ErrorMessage error={outstanding.error} />
      {outstanding.data &&
        (outstanding.data.status === 'closed' ? (
          <p role="status" className="badge success">
            この契約は終了しています。
          </p>
        ) : items.length === 0 ? (
          <p role="status" className="badge success">
            未返却・未消去のものはありません。契約を終了できます。
          </p>
        ) : (
          <OutstandingList
            items={items}
            names={names}
            caption={`契約の終了までに残っているもの（${items.length}件）`}
          />
        ))}
      {closes && (
        <section className="panel" aria-labelledby="close-title">
          <h3 id="close-title">契約を終了する</h3>
          <p>
            媒体・パスワード通知書がすべて返却または消去され、消去証明書が確認されていれば終了できます。終了した契約には記録を追加できません。
          </p>
          {confirming ? (
            <div className="actions" role="group" aria-label="終了の確認">
              <p>「{contract.title}」を終了します。よろしいですか。</p>
              <button
                type="button"
                className="button primary"
                disabled={close.isPending}
                onClick={() => close.mutate()}
              >
                終了する
              </button>
              <button
                type="button"
                className="button secondary"
                onClick={() => setConfirming(false)}
              >
                やめる
              </button>
            </div>
          ) : (
            <button
              type="button"
              className="button primary"
              onClick={() => {
                close.reset();
                setConfirming(true);
              }}
            >
              契約を終了する
            </button>
          )}
          <ErrorMessage error={close.error} />
          {refused && refused.length > 0 && (
            <OutstandingList
              items={refused}
              names={names}
              caption={`終了できなかった理由（${refused.length}件）`}
            />
          )}
        </section>
      )}
    </>
  );
}

function OutstandingList({
  items,
  names,
  caption,
}: {
  items: OutstandingItem[];
  names: Parameters<typeof describeOutstanding>[1];
  caption: string;
}) {
  const paged = usePaged(items);
  return (
    <>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">もの</th>
            <th scope="col">残っていること</th>
            <th scope="col">どこに・だれが</th>
          </tr>
        </thead>
        <tbody>
          {paged.rows.map((item, i) => {
            const d = describeOutstanding(item, names);
            return (
              <tr
                key={`${item.reason}-${'mediumId' in item ? item.mediumId : item.organizationId}-${i}`}
              >
                <td>{d.what}</td>
                <td>{d.why}</td>
                <td>{d.where}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Pager page={paged.page} pageCount={paged.pageCount} onPage={paged.setPage} label={caption} />
    </>
  );
}
