import { useSearchParams } from 'react-router';
import { SelectField } from '../../components/SelectField';
import { ORGANIZATION_KINDS, type Organization } from './admin-hooks';

/** The organization a section works on, kept in the address (?organization=…). */
export function useChosenOrganization(organizations: Organization[] | undefined) {
  const [params, setParams] = useSearchParams();
  const id = params.get('organization') ?? '';
  const chosen = organizations?.find((o) => o.id === id) ?? null;
  const choose = (next: string) => setParams(next ? { organization: next } : {}, { replace: true });
  return { chosen, id, choose };
}

export function OrganizationPicker({
  organizations,
  value,
  onChange,
}: {
  organizations: Organization[];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <div className="picker">
      <SelectField label="組織" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">選んでください</option>
        {organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}（{ORGANIZATION_KINDS[o.kind]}）
          </option>
        ))}
      </SelectField>
    </div>
  );
}
