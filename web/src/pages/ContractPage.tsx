import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { NavLink, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { useMe } from '../session';
import { DispatchForm } from './DispatchForm';
import { MediumForm } from './MediumForm';
import { TakeoutTab } from './TakeoutTab';
import {
  CUSTODY_STATES,
  date,
  dateTime,
  entryTypeLabel,
  HANDOVER_METHODS,
  HANDOVER_PURPOSES,
  MEDIUM_KINDS,
} from '../format';

const TABS = [
  { key: 'media', label: '媒体' },
  { key: 'handovers', label: '引渡し' },
  { key: 'takeout', label: '持出し申請' },
  { key: 'ledger', label: '管理簿' },
] as const;

/** One contract, its tabs as links (each tab has its own address). */
export function ContractPage() {
  const { contractId = '', tab = 'media' } = useParams();
  const contract = useQuery({
    queryKey: ['contract', contractId],
    queryFn: () => unwrap(api.GET('/api/contracts/{id}', { params: { path: { id: contractId } } })),
  });
  return (
    <section>
      <ErrorMessage error={contract.error} />
      {contract.data && (
        <>
          <h1>{contract.data.title}</h1>
          <p>
            契約期間 {date(contract.data.startsOn)} 〜 {date(contract.data.endsOn)}・
            {contract.data.status === 'active' ? '契約中' : '終了'}
          </p>
          <nav aria-label="契約の内容" className="tabs">
            <ul>
              {TABS.map((t) => (
                <li key={t.key}>
                  <NavLink to={`/contracts/${contractId}/${t.key}`}>{t.label}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
          {tab === 'media' && <MediaTab contractId={contractId} />}
          {tab === 'handovers' && (
            <HandoversTab
              contractId={contractId}
              wardOrganizationId={contract.data.wardOrganizationId}
              active={contract.data.status === 'active'}
            />
          )}
          {tab === 'takeout' && <TakeoutTab contract={contract.data} />}
          {tab === 'ledger' && <LedgerTab contractId={contractId} />}
        </>
      )}
    </section>
  );
}

function useMedia(contractId: string) {
  return useQuery({
    queryKey: ['media', contractId],
    queryFn: () =>
      unwrap(api.GET('/api/contracts/{id}/media', { params: { path: { id: contractId } } })),
  });
}

/** Ward officers and contractor staff act; auditors and admins only read. */
function useActs(): boolean {
  const role = useMe().data?.role;
  return role === 'ward_officer' || role === 'contractor_staff';
}

function MediaTab({ contractId }: { contractId: string }) {
  const media = useMedia(contractId);
  const acts = useActs();
  return (
    <>
      <h2>媒体</h2>
      {acts && media.data && <MediumForm contractId={contractId} media={media.data.items} />}
      <ErrorMessage error={media.error} />
      {media.data && (
        <table>
          <caption>媒体の一覧（{media.data.items.length}件）</caption>
          <thead>
            <tr>
              <th scope="col">名前</th>
              <th scope="col">種類</th>
              <th scope="col">状態</th>
              <th scope="col">保管場所</th>
              <th scope="col">いつから</th>
            </tr>
          </thead>
          <tbody>
            {media.data.items.map((m) => (
              <tr key={m.id}>
                <td>{m.label}</td>
                <td>{MEDIUM_KINDS[m.kind]}</td>
                <td>{CUSTODY_STATES[m.custody.state]}</td>
                <td>{m.custody.location ?? '—'}</td>
                <td>{dateTime(m.custody.since)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function HandoversTab({
  contractId,
  wardOrganizationId,
  active,
}: {
  contractId: string;
  wardOrganizationId: string;
  active: boolean;
}) {
  const handovers = useQuery({
    queryKey: ['handovers', contractId],
    queryFn: () =>
      unwrap(api.GET('/api/contracts/{id}/handovers', { params: { path: { id: contractId } } })),
  });
  const media = useMedia(contractId);
  const acts = useActs() && active;
  const me = useMe();
  return (
    <>
      <h2>引渡し</h2>
      {acts && media.data && (
        <DispatchForm
          contractId={contractId}
          wardOrganizationId={wardOrganizationId}
          media={media.data.items}
        />
      )}
      <ErrorMessage error={handovers.error} />
      {handovers.data && (
        <table>
          <caption>引渡しの一覧（{handovers.data.items.length}件）</caption>
          <thead>
            <tr>
              <th scope="col">発送</th>
              <th scope="col">目的</th>
              <th scope="col">方法</th>
              <th scope="col">媒体</th>
              <th scope="col">袋・封印</th>
              <th scope="col">受領</th>
            </tr>
          </thead>
          <tbody>
            {handovers.data.items.map((h) => (
              <tr key={h.id}>
                <td>{dateTime(h.dispatchedAt)}</td>
                <td>{HANDOVER_PURPOSES[h.purpose]}</td>
                <td>{HANDOVER_METHODS[h.method]}</td>
                <td>{h.media.map((m) => m.label).join('、')}</td>
                <td>
                  {h.bagId ?? '—'} / {h.sealNumber ?? '—'}
                </td>
                <td>
                  {h.status === 'received' ? (
                    dateTime(h.receivedAt)
                  ) : h.toUserId === me.data?.id ? (
                    <ReceiveAction contractId={contractId} handoverId={h.id} />
                  ) : (
                    '未受領'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const PAGE = 50;

function LedgerTab({ contractId }: { contractId: string }) {
  const path = { params: { path: { id: contractId } } };
  const verify = useQuery({
    queryKey: ['ledger-verify', contractId],
    queryFn: () => unwrap(api.GET('/api/contracts/{id}/ledger/verify', path)),
  });
  const ledger = useQuery({
    queryKey: ['ledger', contractId],
    queryFn: () =>
      unwrap(
        api.GET('/api/contracts/{id}/ledger', {
          params: { path: { id: contractId }, query: { limit: PAGE } },
        }),
      ),
  });
  return (
    <>
      <h2>管理簿</h2>
      {verify.data && (
        <p className={verify.data.valid ? 'badge success' : 'badge error'} role="status">
          {verify.data.valid
            ? `検証済み：改ざんなし（${verify.data.length}件）`
            : `検証エラー：記録が改ざんされている可能性があります`}
        </p>
      )}
      <p className="downloads">
        <a href={`/api/contracts/${contractId}/ledger/export.xlsx`} download>
          Excel でダウンロード
        </a>
        <a href={`/api/contracts/${contractId}/ledger/export.csv`} download>
          CSV でダウンロード
        </a>
      </p>
      <ErrorMessage error={ledger.error ?? verify.error} />
      {ledger.data && (
        <table>
          <caption>
            管理簿（全{ledger.data.length}件のうち先頭{ledger.data.items.length}件）
          </caption>
          <thead>
            <tr>
              <th scope="col">連番</th>
              <th scope="col">日時</th>
              <th scope="col">記録</th>
              <th scope="col">取扱者</th>
            </tr>
          </thead>
          <tbody>
            {ledger.data.items.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{dateTime(e.occurredAt)}</td>
                <td>{entryTypeLabel(e.type)}</td>
                <td>{e.actor.displayName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** 受領: the addressee signs for a handover, saying whether the seal arrived intact. */
function ReceiveAction({ contractId, handoverId }: { contractId: string; handoverId: string }) {
  const queryClient = useQueryClient();
  const receive = useMutation({
    mutationFn: (sealIntact: boolean) =>
      unwrap(
        api.POST('/api/contracts/{id}/handovers/{handoverId}/receive', {
          params: { path: { id: contractId, handoverId } },
          body: { sealIntact },
        }),
      ),
    onSuccess: async () => {
      for (const key of ['media', 'handovers', 'ledger']) {
        await queryClient.invalidateQueries({ queryKey: [key, contractId] });
      }
    },
  });
  return (
    <div className="actions">
      <span>未受領</span>
      <button
        type="button"
        className="button primary"
        disabled={receive.isPending}
        onClick={() => receive.mutate(true)}
      >
        受領する（封印異常なし）
      </button>
      <button
        type="button"
        className="button secondary"
        disabled={receive.isPending}
        onClick={() => {
          if (window.confirm('封印が破れていた、として受領します。事故として報告されます。')) {
            receive.mutate(false);
          }
        }}
      >
        封印に異常あり
      </button>
      <ErrorMessage error={receive.error} />
    </div>
  );
}
