import { CUSTODY_STATES, dateTime, MEDIUM_KINDS } from '../format';
import { ErrorMessage } from '../components/ErrorMessage';
import { useActs, useMedia } from './contract-hooks';
import { MediumForm } from './MediumForm';

export function MediaTab({ contractId }: { contractId: string }) {
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
