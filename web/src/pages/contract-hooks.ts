import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { useMe } from '../session';

export function useMedia(contractId: string) {
  return useQuery({
    queryKey: ['media', contractId],
    queryFn: () =>
      unwrap(api.GET('/api/contracts/{id}/media', { params: { path: { id: contractId } } })),
  });
}

/** Ward officers and contractor staff act; auditors and admins only read. */
export function useActs(): boolean {
  const role = useMe().data?.role;
  return role === 'ward_officer' || role === 'contractor_staff';
}
