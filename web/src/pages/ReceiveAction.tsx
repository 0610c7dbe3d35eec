import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';

/** 受領: the addressee signs for a handover, saying whether the seal arrived intact. */
export function ReceiveAction({
  contractId,
  handoverId,
}: {
  contractId: string;
  handoverId: string;
}) {
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
