import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { api, unwrap } from '../api/client';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorMessage } from '../components/ErrorMessage';
import { useMedia } from './contract-hooks';
import { FINGERPRINT_CHUNK, sha256Hex } from './file-fingerprint';

type Fingerprint =
  { read: number; size: number } | { hex: string; fileName: string } | { error: string };

/**
 * 受領: the addressee signs for a handover, saying whether the seal arrived
 * intact. For an item registered with a fingerprint (an encrypted file), the
 * handler may pick the file: the browser computes its SHA-256 (a slice at a
 * time; the file never leaves the PC) and sends it with the receipt, and the
 * service says whether it matches the registered one. The buttons are named
 * after what the handover carries, as a handler may have several to receive.
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
  // The latest pick for each item: a file picked again makes an earlier one's hash moot.
  const picks = useRef<Record<string, number>>({});
  const [mismatch, setMismatch] = useState<string[] | null>(null);
  const hashing = Object.values(fingerprints).some((f) => 'read' in f);
  const carried = (handover?.media ?? []).map((m) => m.label).join('、');

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
                receipt.compromisedMediumIds.includes(i.mediumId) &&
                'hex' in (fingerprints[i.mediumId] ?? {}),
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
    const turn = (picks.current[mediumId] ?? 0) + 1;
    picks.current[mediumId] = turn;
    const note = (f: Fingerprint) => {
      if (picks.current[mediumId] === turn) setFingerprints((all) => ({ ...all, [mediumId]: f }));
    };
    if (!file) {
      setFingerprints(({ [mediumId]: _, ...rest }) => rest);
      return;
    }
    note({ read: 0, size: file.size });
    try {
      const hex = await sha256Hex(file, { onProgress: (read, size) => note({ read, size }) });
      note({ hex, fileName: file.name });
    } catch {
      note({ error: 'ファイルを読み込めませんでした。もう一度選んでください。' });
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
                    {'error' in f
                      ? f.error
                      : 'hex' in f
                        ? `SHA-256：${f.hex}`
                        : 'SHA-256 を計算しています…'}
                  </p>
                )}
                {f && 'read' in f && f.size > FINGERPRINT_CHUNK && (
                  <p className="hint">
                    <progress
                      max={f.size}
                      value={f.read}
                      aria-label={`${item.label} のファイルの指紋の計算`}
                    />{' '}
                    {Math.floor((f.read / f.size) * 100)}%
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
        disabled={receive.isPending || hashing}
        aria-label={carried ? `${carried} を受領する（封印異常なし）` : undefined}
        onClick={() => receive.mutate(true)}
      >
        受領する（封印異常なし）
      </button>
      <ConfirmButton
        label="封印に異常あり"
        name={carried ? `${carried} の封印に異常あり` : undefined}
        question="封印が破れていた、として受領します。事故として報告されます。よろしいですか。"
        confirmLabel="異常ありとして受領する"
        disabled={receive.isPending || hashing}
        onConfirm={() => receive.mutate(false)}
      />
      <ErrorMessage error={receive.error} />
    </div>
  );
}
