import { withinValidity } from '../../common/time/instant.js';
import type { PlaceRef } from '../ledger/ledger-payloads.js';

/**
 * 持出しの禁止 (seed 001/002 特記事項 6): the contractor does not take
 * personal data outside the places the ward designated, unless the ward
 * consented. Once a contract lists designated places, every custody step on
 * the contractor's side names its place: registering or storing a medium
 * needs a place designated for storage (保管場所), receiving one any
 * designated place (作業場所); elsewhere only media the ward consented to,
 * within the consent's validity. Pure.
 */

/** The custody steps that name a place. */
export type PlaceStep = 'register' | 'store' | 'receive';

export interface DesignatedPlaceFacts {
  id: string;
  name: string;
  address: string;
  mediaStorage: boolean;
  withdrawn: boolean;
}

export interface PlaceConsentFacts {
  id: string;
  placeId: string;
  name: string;
  address: string;
  mediumIds: string[];
  /** ISO instants. */
  consentedAt: string;
  validUntil: string;
}

export type PlaceRefusalReason =
  'missing' | 'unknown' | 'withdrawn' | 'no_media_storage' | 'not_designated';

export interface PlaceRefusal {
  reason: PlaceRefusalReason;
  message: string;
  /** The media no consent covers (empty for a step about no existing medium). */
  mediumIds: string[];
}

export interface PlaceCheck {
  step: PlaceStep;
  /** The place the step names, if any. */
  placeId: string | undefined;
  /** The contract has ever designated a place: the rule applies. */
  contractHasPlaces: boolean;
  /** The designated place `placeId` names, if it names one. */
  place: DesignatedPlaceFacts | undefined;
  /** The ward's consents for `placeId`. */
  consents: PlaceConsentFacts[];
  /** The existing media the step moves or stores (none for a registration). */
  mediumIds: string[];
  occurredAt: Date;
  now: Date;
}

export type PlaceDecision =
  { ok: true; place: PlaceRef | null } | { ok: false; refusal: PlaceRefusal };

const refused = (reason: PlaceRefusalReason, message: string, mediumIds: string[] = []) => ({
  ok: false as const,
  refusal: { reason, message, mediumIds },
});

/** Where a step may happen, and the place the ledger records for it. */
export function placeDecision(check: PlaceCheck): PlaceDecision {
  if (check.placeId === undefined) {
    if (!check.contractHasPlaces) return { ok: true, place: null };
    return refused('missing', 'This contract lists designated places: name one in placeId');
  }
  const { place } = check;
  const usable =
    place !== undefined && !place.withdrawn && (check.step === 'receive' || place.mediaStorage);
  if (usable)
    return { ok: true, place: { placeId: place.id, name: place.name, address: place.address } };
  const covering = coveringConsents(check);
  if (covering) {
    const named = place ?? check.consents[0]!;
    return {
      ok: true,
      place: {
        placeId: check.placeId,
        name: named.name,
        address: named.address,
        consentIds: covering,
      },
    };
  }
  if (place === undefined && check.consents.length === 0) {
    return refused('unknown', 'placeId names no place of this contract');
  }
  const uncovered = check.mediumIds.filter(
    (id) => !check.consents.some((c) => covers(c, id, check)),
  );
  if (place === undefined) {
    return refused(
      'not_designated',
      'The place is not designated and the ward has not consented to it for these media',
      uncovered,
    );
  }
  if (place.withdrawn) {
    return refused('withdrawn', 'The ward has withdrawn the designation of this place', uncovered);
  }
  return refused(
    'no_media_storage',
    'Media may not be stored at this place (作業場所, not 保管場所)',
    uncovered,
  );
}

/** The ids of the consents that together cover every medium of the step, or null. */
function coveringConsents(check: PlaceCheck): string[] | null {
  if (check.mediumIds.length === 0) return null;
  const ids = new Set<string>();
  for (const mediumId of check.mediumIds) {
    const consent = check.consents.find((c) => covers(c, mediumId, check));
    if (!consent) return null;
    ids.add(consent.id);
  }
  return [...ids].sort();
}

function covers(consent: PlaceConsentFacts, mediumId: string, check: PlaceCheck): boolean {
  return (
    consent.mediumIds.includes(mediumId) &&
    withinValidity(consent.consentedAt, consent.validUntil, check.occurredAt, check.now)
  );
}
