import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, unwrap } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { sha256Hex } from './certificate-body';
import { useMedia } from './contract-hooks';

type Fingerprint = { hex: string; fileName: string } | { error: string };

/**
 * 受領: the addressee signs for a handover, saying whether the seal arrived
 * intact. For an item registered with a fingerprint (an encrypted file), the
 * handler may pick the file: the browser computes its SHA-256 (Web Crypto;
 * the file never leaves the PC) and sends it with the receipt, and the
 * service says whether it matches the registered one.
 */
export function ReceiveAction({
  contractId,
  handoverId,
}: {
  contractId: string;
  handoverId: string;
}) {
  const queryClient = useQueryClient();
  const id = useId();
  // The handover list and the media are the tab's own queries (same keys: no second request).
  const handovers = useQuery({
    queryKey: ['handovers', contractId],
    queryFn: () =>
      unwrap(api.GET('/api/contracts/{id}/handovers', { params: { path: { id: contractId } } })),
  });
  const media = useMedia(contractId);
  const handover = handovers.data?.items.find((h) => h.id === handoverId);
  const checkable = (handover?.media ?? []).filter(
    (item) => media.data?.items.find((m) => m.id === item.mediumId)?.sha256,
  );
  const [fingerprints, setFingerprints] = useState<Record<string, Fingerprint>>({});
  const [mismatch, setMismatch] = useState<string[] | null>(null);

  const refresh = async (keys: string[]) => {
    for (const key of keys) await queryClient.invalidateQueries({ queryKey: [key, contractId] });
  };
  const receive = useMutation({
    mutationFn: (sealIntact: boolean) => {
      const sha256: Record<string, string> = {};
      for (const [mediumId, f] of Object.entries(fingerprints)) {
        if ('hex' in f) sha256[mediumId] = f.hex;
      }
      return unwrap(
        api.POST('/api/contracts/{id}/handovers/{handoverId}/receive', {
          params: { path: { id: contractId, handoverId } },
          body: { sealIntact, ...(Object.keys(sha256).length > 0 ? { sha256 } : {}) },
        }),
      );
    },
    onSuccess: async (receipt, sealIntact) => {
      // A fingerprint that differs: the receipt and an incident are recorded,
      // and the handler is told here before the row turns into a receipt.
      const wrong = sealIntact
        ? receipt.items
            .filter(
              (i) =>
                receipt.compromisedMediumIds.includes(i.mediumId) && i.mediumId in fingerprints,
            )
            .map((i) => i.label)
        : [];
      if (wrong.length > 0) {
        setMismatch(wrong);
        await refresh(['media', 'ledger', 'incidents']);
      } else {
        await refresh(['media', 'handovers', 'ledger', 'incidents']);
      }
    },
  });

  async function pick(mediumId: string, file: File | undefined) {
    if (!file) {
      setFingerprints(({ [mediumId]: _, ...rest }) => rest);
      return;
    }
    try {
      const hex = await sha256Hex(file);
      setFingerprints((f) => ({ ...f, [mediumId]: { hex, fileName: file.name } }));
    } catch {
      setFingerprints((f) => ({
        ...f,
        [mediumId]: { error: 'ファイルを読み込めませんでした。もう一度選んでください。' },
      }));
    }
  }

  if (mismatch) {
    return (
      <div className="actions">
        <div role="alert" className="error">
          <p>
            {mismatch.join('、')}{' '}
            のファイルの指紋（SHA-256）が、登録時のものと一致しません。受領と事故（指紋の不一致）を記録しました。このファイルは使わず、区に連絡してください。
          </p>
        </div>
        <button
          type="button"
          className="button secondary"
          onClick={() => void refresh(['handovers'])}
        >
          確認しました
        </button>
      </div>
    );
  }

  return (
    <div className="actions receive">
      <span>未受領</span>
      {checkable.length > 0 && (
        <fieldset className="fingerprint">
          <legend>ファイルの指紋の確認（任意）</legend>
          <p className="hint">
            受け取ったファイルを選ぶと、この端末で SHA-256
            を計算して登録時のものと照合します。ファイルは送信されません。
          </p>
          {checkable.map((item) => {
            const f = fingerprints[item.mediumId];
            const inputId = `${id}-${item.mediumId}`;
            return (
              <div className="field" key={item.mediumId}>
                <label htmlFor={inputId}>{item.label} のファイル</label>
                <input
                  id={inputId}
                  type="file"
                  aria-describedby={f ? `${inputId}-result` : undefined}
                  onChange={(e) => void pick(item.mediumId, e.target.files?.[0])}
                />
                {f && (
                  <p
                    id={`${inputId}-result`}
                    role={'error' in f ? 'alert' : 'status'}
                    className={'error' in f ? 'field-error' : 'hint'}
                  >
                    {'error' in f ? f.error : `SHA-256：${f.hex}`}
                  </p>
                )}
              </div>
            );
          })}
        </fieldset>
      )}
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
