import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pager, usePaged } from '../components/Pager';
import { date } from '../format';

export function useContracts() {
  return useQuery({
    queryKey: ['contracts'],
    queryFn: () => unwrap(api.GET('/api/contracts')),
  });
}

/** 契約: the contracts the user may see, 50 to a page. */
export function ContractsPage() {
  const contracts = useContracts();
  const paged = usePaged(contracts.data?.items ?? []);
  return (
    <section>
      <h1>契約</h1>
      <ErrorMessage error={contracts.error} />
      {!contracts.data && !contracts.error && <p className="loading">読み込み中…</p>}
      {contracts.data && (
        <>
          <table>
            <caption>契約の一覧（{contracts.data.items.length}件）</caption>
            <thead>
              <tr>
                <th scope="col">業務名</th>
                <th scope="col">期間</th>
                <th scope="col">状態</th>
              </tr>
            </thead>
            <tbody>
              {paged.rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/contracts/${c.id}`}>{c.title}</Link>
                  </td>
                  <td>
                    {date(c.startsOn)} 〜 {date(c.endsOn)}
                  </td>
                  <td>{c.status === 'active' ? '契約中' : '終了'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            page={paged.page}
            pageCount={paged.pageCount}
            onPage={paged.setPage}
            label="契約の一覧"
          />
        </>
      )}
    </section>
  );
}
