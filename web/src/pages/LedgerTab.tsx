import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { dateTime, entryTypeLabel } from '../format';

const PAGE = 50;

export function LedgerTab({ contractId }: { contractId: string }) {
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
