import { useQuery } from '@tanstack/react-query';
import { NavLink, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { date } from '../format';
import { AuditsTab } from './AuditsTab';
import { CertificatesTab } from './CertificatesTab';
import { HandoversTab } from './HandoversTab';
import { IncidentsTab } from './IncidentsTab';
import { LedgerTab } from './LedgerTab';
import { MediaTab } from './MediaTab';
import { OutstandingTab } from './OutstandingTab';
import { RosterTab } from './RosterTab';
import { TakeoutTab } from './TakeoutTab';

export type Contract = components['schemas']['ContractResponse'];

/** The tabs of a contract's page, each with its own address (/contracts/:id/:tab). */
export const CONTRACT_TABS = [
  { key: 'roster', label: '名簿' },
  { key: 'media', label: '媒体' },
  { key: 'handovers', label: '引渡し' },
  { key: 'incidents', label: '事故' },
  { key: 'takeout', label: '持出し申請' },
  { key: 'certificates', label: '消去証明書' },
  { key: 'outstanding', label: '未返却・未消去' },
  { key: 'audits', label: '立入調査' },
  { key: 'ledger', label: '管理簿' },
] as const;

export function useContract(contractId: string) {
  return useQuery({
    queryKey: ['contract', contractId],
    queryFn: () => unwrap(api.GET('/api/contracts/{id}', { params: { path: { id: contractId } } })),
  });
}

/** One contract, its tabs as links. */
export function ContractPage() {
  const { contractId = '', tab = 'media' } = useParams();
  const contract = useContract(contractId);
  const c = contract.data;
  return (
    <section>
      <ErrorMessage error={contract.error} />
      {c && (
        <>
          <h1>{c.title}</h1>
          <p>
            契約期間 {date(c.startsOn)} 〜 {date(c.endsOn)}・
            {c.status === 'active' ? '契約中' : '終了'}
          </p>
          <nav aria-label="契約の内容" className="tabs">
            <ul>
              {CONTRACT_TABS.map((t) => (
                <li key={t.key}>
                  <NavLink to={`/contracts/${contractId}/${t.key}`}>{t.label}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
          {tab === 'roster' && <RosterTab contract={c} />}
          {tab === 'media' && <MediaTab contractId={contractId} active={c.status === 'active'} />}
          {tab === 'handovers' && (
            <HandoversTab
              contractId={contractId}
              wardOrganizationId={c.wardOrganizationId}
              active={c.status === 'active'}
            />
          )}
          {tab === 'incidents' && <IncidentsTab contract={c} />}
          {tab === 'takeout' && <TakeoutTab contract={c} />}
          {tab === 'certificates' && <CertificatesTab contract={c} />}
          {tab === 'outstanding' && <OutstandingTab contract={c} />}
          {tab === 'audits' && <AuditsTab contract={c} />}
          {tab === 'ledger' && <LedgerTab contractId={contractId} />}
        </>
      )}
    </section>
  );
}
