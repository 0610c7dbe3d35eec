import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pager, usePaged } from '../components/Pager';
import { CUSTODY_STATES, dateTime, MEDIUM_KINDS } from '../format';
import { useMe } from '../session';
import { useActs, useMedia } from './contract-hooks';
import { MediumForm } from './MediumForm';
import { StoreForm, type StoreBody } from './StoreForm';

type Medium = components['schemas']['MediumResponse'];

/**
 * 媒体: the contract's media and where each is. On a closed contract the
 * ledger takes no custody events, so nothing is registered or stored here.
 */
export function MediaTab({ contractId, active }: { contractId: string; active: boolean }) {
  const media = useMedia(contractId);
  const actor = useActs();
  const acts = actor && active;
  const me = useMe();
  const items = media.data?.items ?? [];
  const paged = usePaged(items);
  // The contractor's side names the ward-designated place it keeps media at.
  const contractorSide = me.data?.role === 'contractor_staff';
  const places = useQuery({
    enabled: acts && contractorSide,
    queryKey: ['places', contractId],
    queryFn: () =>
      unwrap(api.GET('/api/contracts/{id}/places', { params: { path: { id: contractId } } })),
  });
  const storage = (places.data?.items ?? [])
    .filter((p) => p.status === 'designated' && p.mediaStorage)
    .map((p) => ({ id: p.id, name: `${p.name}（${p.address}）` }));
  const holds = (m: Medium) =>
    acts &&
    m.custody.state === 'held' &&
    m.custody.holderOrganizationId === me.data?.organizationId;
  return (
    <>
      <h2>媒体</h2>
      {acts && media.data && <MediumForm contractId={contractId} media={items} />}
      {actor && !active && (
        <p className="hint">この契約は終了しています。媒体の登録や保管場所の記録はできません。</p>
      )}
      <ErrorMessage error={media.error} />
      {media.data && (
        <table>
          <caption>媒体の一覧（{items.length}件）</caption>
          <thead>
            <tr>
              <th scope="col">名前</th>
              <th scope="col">種類</th>
              <th scope="col">状態</th>
              <th scope="col">保管者</th>
              <th scope="col">保管場所</th>
              <th scope="col">いつから</th>
              {acts && <th scope="col">操作</th>}
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((m) => (
              <tr key={m.id}>
                <td>{m.label}</td>
                <td>{MEDIUM_KINDS[m.kind]}</td>
                <td>{CUSTODY_STATES[m.custody.state]}</td>
                <td>{holderName(m.custody.holder)}</td>
                <td>{m.custody.location ?? '—'}</td>
                <td>{dateTime(m.custody.since)}</td>
                {acts && (
                  <td>
                    {holds(m) && (
                      <StoreAction
                        contractId={contractId}
                        medium={m}
                        places={contractorSide ? storage : null}
                      />
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        page={paged.page}
        pageCount={paged.pageCount}
        onPage={paged.setPage}
        label="媒体の一覧"
      />
    </>
  );
}

/** The holder records where the medium is locked away (medium_stored). */
function StoreAction({
  contractId,
  medium,
  places,
}: {
  contractId: string;
  medium: Medium;
  places: Array<{ id: string; name: string }> | null;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [stored, setStored] = useState<string | null>(null);
  const store = useMutation({
    mutationFn: (body: StoreBody) =>
      unwrap(
        api.POST('/api/contracts/{id}/media/{mediumId}/store', {
          params: { path: { id: contractId, mediumId: medium.id } },
          body,
        }),
      ),
    onSuccess: async (_data, body) => {
      setOpen(false);
      setStored(body.location);
      await queryClient.invalidateQueries({ queryKey: ['media', contractId] });
      await queryClient.invalidateQueries({ queryKey: ['ledger', contractId] });
    },
  });
  if (!open) {
    return (
      <div className="actions">
        <button
          type="button"
          className="button secondary"
          aria-label={`${medium.label} の保管場所を記録する`}
          onClick={() => {
            store.reset();
            setStored(null);
            setOpen(true);
          }}
        >
          保管場所を記録
        </button>
        {stored && (
          <p role="status" className="success">
            {medium.label} を「{stored}」に保管したと記録しました。
          </p>
        )}
      </div>
    );
  }
  return (
    <StoreForm
      mediumLabel={medium.label}
      places={places}
      onSubmit={(body) => store.mutateAsync(body)}
      onCancel={() => setOpen(false)}
      error={store.error}
    />
  );
}

/** Who holds a medium: the person accountable and their organization, or the organization alone. */
export function holderName(holder: Medium['custody']['holder']): string {
  return holder.displayName
    ? `${holder.displayName}（${holder.organizationName}）`
    : holder.organizationName;
}
