import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pager, usePaged } from '../components/Pager';
import { dateTime } from '../format';
import { useActs, useMedia } from './contract-hooks';
import type { Contract } from './ContractPage';
import { INCIDENT_KINDS, IncidentForm, type IncidentBody } from './IncidentForm';

/** 事故: the contract's incidents, and the form to report one at once. */
export function IncidentsTab({ contract }: { contract: Contract }) {
  const queryClient = useQueryClient();
  const path = { params: { path: { id: contract.id } } };
  const incidents = useQuery({
    queryKey: ['incidents', contract.id],
    queryFn: () => unwrap(api.GET('/api/contracts/{id}/incidents', path)),
  });
  const media = useMedia(contract.id);
  const acts = useActs() && contract.status === 'active';
  const report = useMutation({
    mutationFn: (body: IncidentBody) =>
      unwrap(api.POST('/api/contracts/{id}/incidents', { ...path, body })),
    onSuccess: async () => {
      for (const key of ['incidents', 'media', 'ledger']) {
        await queryClient.invalidateQueries({ queryKey: [key, contract.id] });
      }
    },
  });
  const items = [...(incidents.data?.items ?? [])].reverse();
  const paged = usePaged(items);
  const labelOf = (id: string) => media.data?.items.find((m) => m.id === id)?.label ?? id;
  return (
    <>
      <h2>事故</h2>
      {acts && media.data && (
        <IncidentForm
          media={media.data.items}
          onSubmit={(body) => report.mutateAsync(body)}
          error={report.error}
          done={report.data && `事故を報告しました（管理簿 ${report.data.seq} 番）。`}
        />
      )}
      <ErrorMessage error={incidents.error ?? media.error} />
      {incidents.data && (
        <table>
          <caption>事故の一覧（{items.length}件、新しい順）</caption>
          <thead>
            <tr>
              <th scope="col">発生日時</th>
              <th scope="col">種類</th>
              <th scope="col">媒体</th>
              <th scope="col">内容</th>
              <th scope="col">報告日時</th>
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((i) => (
              <tr key={i.id}>
                <td>{dateTime(i.occurredAt)}</td>
                <td>{INCIDENT_KINDS[i.kind]}</td>
                <td>{i.mediumIds.map(labelOf).join('、')}</td>
                <td>{i.description}</td>
                <td>{dateTime(i.recordedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        page={paged.page}
        pageCount={paged.pageCount}
        onPage={paged.setPage}
        label="事故の一覧"
      />
    </>
  );
}
