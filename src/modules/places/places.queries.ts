import { Sql } from '../../database/sql.js';
import type { PlaceRef } from '../ledger/ledger-payloads.js';
import type { DesignatedPlaceFacts, PlaceConsentFacts } from './places.rule.js';

interface PlaceRow {
  id: string;
  name: string;
  address: string;
  media_storage: boolean | number;
  withdrawn_at: string | null;
}

interface ConsentRow {
  id: string;
  place_id: string;
  name: string;
  address: string;
  medium_ids: string;
  consented_at: string;
  valid_until: string;
}

/** Whether the contract has ever designated a place (then the place rule applies to it). */
export async function hasDesignatedPlaces(sql: Sql, contractId: string): Promise<boolean> {
  const row = await sql.one('SELECT 1 AS x FROM designated_places WHERE contract_id = ? LIMIT 1', [
    contractId,
  ]);
  return row !== undefined;
}

/** The contract's designated place with this id, withdrawn or not. */
export async function designatedPlace(
  sql: Sql,
  contractId: string,
  placeId: string,
): Promise<DesignatedPlaceFacts | undefined> {
  const row = await sql.one<PlaceRow>(
    'SELECT id, name, address, media_storage, withdrawn_at FROM designated_places WHERE id = ? AND contract_id = ?',
    [placeId, contractId],
  );
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    mediaStorage: row.media_storage === true || Number(row.media_storage) === 1,
    withdrawn: row.withdrawn_at !== null,
  };
}

/** The ward's consents for a place of the contract, oldest first. */
export async function placeConsents(
  sql: Sql,
  contractId: string,
  placeId: string,
): Promise<PlaceConsentFacts[]> {
  const rows = await sql.all<ConsentRow>(
    `SELECT id, place_id, name, address, medium_ids, consented_at, valid_until
       FROM place_consents WHERE contract_id = ? AND place_id = ? ORDER BY consented_seq`,
    [contractId, placeId],
  );
  return rows.map((r) => ({
    id: r.id,
    placeId: r.place_id,
    name: r.name,
    address: r.address,
    mediumIds: JSON.parse(r.medium_ids) as string[],
    consentedAt: r.consented_at,
    validUntil: r.valid_until,
  }));
}

/** The places of media, as the ledger names them (for the items of a dispatch). */
export async function placesOf(
  sql: Sql,
  contractId: string,
  placeIds: string[],
): Promise<Map<string, PlaceRef>> {
  const places = new Map<string, PlaceRef>();
  for (const placeId of new Set(placeIds)) {
    const place =
      (await designatedPlace(sql, contractId, placeId)) ??
      (await placeConsents(sql, contractId, placeId))[0];
    if (place) places.set(placeId, { placeId, name: place.name, address: place.address });
  }
  return places;
}
