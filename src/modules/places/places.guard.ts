import { DomainError } from '../../common/errors/domain-error.js';
import type { Sql } from '../../database/sql.js';
import type { PlaceRef } from '../ledger/ledger-payloads.js';
import { designatedPlace, hasDesignatedPlaces, placeConsents } from './places.queries.js';
import { placeDecision, type PlaceStep } from './places.rule.js';

/**
 * The place a custody step on the contractor's side happens at, as the
 * ledger records it (null on a contract that designates none); refuses a
 * place the ward did not designate for it nor consent to for these media
 * (409 PLACE_NOT_DESIGNATED) and an id that names no place (422
 * INVALID_REFERENCE). Call it under the contract's chain lock.
 */
export async function placeForStep(
  sql: Sql,
  contractId: string,
  step: {
    kind: PlaceStep;
    placeId?: string;
    mediumIds: string[];
    occurredAt: Date;
    now: Date;
  },
): Promise<PlaceRef | null> {
  const placeId = step.placeId?.toLowerCase();
  const decision = placeDecision({
    step: step.kind,
    placeId,
    contractHasPlaces: await hasDesignatedPlaces(sql, contractId),
    place: placeId ? await designatedPlace(sql, contractId, placeId) : undefined,
    consents: placeId ? await placeConsents(sql, contractId, placeId) : [],
    mediumIds: step.mediumIds,
    occurredAt: step.occurredAt,
    now: step.now,
  });
  if (decision.ok) return decision.place;
  const { reason, message, mediumIds } = decision.refusal;
  if (reason === 'unknown') {
    throw new DomainError('INVALID_REFERENCE', message, { field: 'placeId', placeId });
  }
  throw new DomainError('PLACE_NOT_DESIGNATED', message, {
    reason,
    step: step.kind,
    ...(placeId ? { placeId } : {}),
    ...(mediumIds.length > 0 ? { mediumIds } : {}),
  });
}

/** 400 for a place named by the ward's own side: the designated places are the contractor's. */
export function refuseWardPlace(placeId: string | undefined): void {
  if (placeId === undefined) return;
  throw new DomainError('VALIDATION_FAILED', 'Invalid request: placeId', {
    fields: [
      {
        field: 'placeId',
        messages: ['designated places are the contractor’s: the ward’s own steps name none'],
      },
    ],
  });
}
