import type { CustodyState, MediumKind } from '../custody/custody-state.js';
import type { CertificateStatus } from './entities/deletion-certificate.entity.js';

/**
 * What still stands between a contract and its close (seed 001 特記事項
 * 11–12): media and password notices not back with the ward nor erased or
 * destroyed, anything in transit, and every contractor or subcontractor that
 * ever held an item without a confirmed deletion certificate. Pure.
 */

export interface MediumFacts {
  id: string;
  kind: MediumKind;
  label: string;
  state: CustodyState;
  holderOrganizationId: string;
  holderUserId: string | null;
  location: string | null;
  inTransitHandoverId: string | null;
}

export interface CertificateFacts {
  id: string;
  organizationId: string;
  status: CertificateStatus;
}

export type OutstandingItem =
  | { reason: 'in_transit'; mediumId: string; kind: MediumKind; label: string; handoverId: string }
  | {
      reason: 'not_returned';
      mediumId: string;
      kind: MediumKind;
      label: string;
      state: CustodyState;
      holderOrganizationId: string;
      holderUserId: string | null;
      location: string | null;
    }
  | { reason: 'certificate_pending'; organizationId: string; certificateIds: string[] }
  | { reason: 'certificate_missing'; organizationId: string };

/** Media that need nothing more: gone for good, with the ledger saying how. */
const SETTLED: ReadonlySet<CustodyState> = new Set(['erased', 'destroyed', 'lost']);

export function outstandingItems(input: {
  wardOrganizationId: string;
  media: MediumFacts[];
  /** Contractor-side organizations that ever held an item of the contract. */
  custodians: string[];
  certificates: CertificateFacts[];
}): OutstandingItem[] {
  const items: OutstandingItem[] = [];
  for (const m of input.media) {
    if (m.state === 'in_transit' && m.inTransitHandoverId) {
      items.push({
        reason: 'in_transit',
        mediumId: m.id,
        kind: m.kind,
        label: m.label,
        handoverId: m.inTransitHandoverId,
      });
    } else if (!SETTLED.has(m.state) && m.holderOrganizationId !== input.wardOrganizationId) {
      items.push({
        reason: 'not_returned',
        mediumId: m.id,
        kind: m.kind,
        label: m.label,
        state: m.state,
        holderOrganizationId: m.holderOrganizationId,
        holderUserId: m.holderUserId,
        location: m.location,
      });
    }
  }
  for (const organizationId of [...new Set(input.custodians)].sort()) {
    if (organizationId === input.wardOrganizationId) continue;
    const own = input.certificates.filter((c) => c.organizationId === organizationId);
    if (own.some((c) => c.status === 'confirmed')) continue;
    const pending = own.filter((c) => c.status === 'submitted').map((c) => c.id);
    items.push(
      pending.length > 0
        ? { reason: 'certificate_pending', organizationId, certificateIds: pending }
        : { reason: 'certificate_missing', organizationId },
    );
  }
  return items;
}
