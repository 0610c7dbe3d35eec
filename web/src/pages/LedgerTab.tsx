import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { ChainVerdict } from '../components/ChainVerdict';
import { ErrorMessage } from '../components/ErrorMessage';
import { PAGE_SIZE, Pager } from '../components/Pager';
import { dateTime, entryTypeLabel } from '../format';

/**
 * 管理簿: the chain's verification, its downloads, and its entries a page of
 * 50 at a time from the API (afterSeq/limit: a contract's seqs run 1, 2, 3…).
 */
export function LedgerTab({ contractId }: { contractId: string }) {
  const path = { params: { path: { id: contractId } } };
  const verify = useQuery({
    queryKey: ['ledger-verify', contractId],
    queryFn: () => unwrap(api.GET('/api/contracts/{id}/ledger/verify', path)),
  });
  const [page, setPage] = useState(0);
  const ledger = useQuery({
    queryKey: ['ledger', contractId, page],
    queryFn: () =>
      unwrap(
        api.GET('/api/contracts/{id}/ledger', {
          params: {
            path: { id: contractId },
            query: { afterSeq: page * PAGE_SIZE, limit: PAGE_SIZE },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const length = ledger.data?.length ?? 0;
  const pageCount = Math.max(1, Math.ceil(length / PAGE_SIZE));
  const first = ledger.data?.items[0]?.seq;
  const last = ledger.data?.items.at(-1)?.seq;
  return (
    <>
      <h2>管理簿</h2>
      {verify.data && (
        <ChainVerdict valid={verify.data.valid}>
          {verify.data.valid
            ? `検証済み：改ざんなし（${verify.data.length}件）`
            : `検証エラー：記録が改ざんされている可能性があります`}
        </ChainVerdict>
      )}
      <p className="downloads">
        <a href={`/api/contracts/${contractId}/ledger/export.xlsx`} download>
          Excel でダウンロード
        </a>
        <a href={`/api/contracts/${contractId}/ledger/export.csv`} download>
          CSV でダウンロード
        </a>
        <a
          href={`/api/contracts/${contractId}/evidence`}
          download
          title="管理簿の全記録、署名付きチェックポイント、消去証明書と署名、検証手順を1つの zip に。kanribo がなくても検証できます"
        >
          証拠パッケージ（zip）
        </a>
      </p>
      <ErrorMessage error={ledger.error ?? verify.error} />
      {ledger.data && (
        <table>
          <caption>
            {first !== undefined && last !== undefined
              ? `管理簿（全${length}件のうち ${first}〜${last} 番）`
              : `管理簿（全${length}件）`}
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
      <Pager page={page} pageCount={pageCount} onPage={setPage} label="管理簿" />
    </>
  );
}
