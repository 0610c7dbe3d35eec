import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pager, usePaged } from '../components/Pager';
import { dateTime, HANDOVER_METHODS, HANDOVER_PURPOSES } from '../format';
import { useMe } from '../session';
import { useActs, useMedia } from './contract-hooks';
import { DispatchForm } from './DispatchForm';
import { ReceiveAction } from './ReceiveAction';

export function HandoversTab({
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
  const paged = usePaged(handovers.data?.items ?? []);
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
            {paged.rows.map((h) => (
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
      <Pager
        page={paged.page}
        pageCount={paged.pageCount}
        onPage={paged.setPage}
        label="引渡しの一覧"
      />
    </>
  );
}
