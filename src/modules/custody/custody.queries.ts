import { bool, Sql } from '../../database/sql.js';
import { isUuid } from '../../common/http/validators.js';
import type { DerivedFrom } from '../copies/copies.rule.js';
import type { PartyRef } from '../ledger/ledger-payloads.js';
import type { CustodyState, MediumKind } from './custody-state.js';
import { HandoverEntity } from './entities/handover.entity.js';
import { MediumEntity } from './entities/medium.entity.js';

/**
 * The reads of the custody checks, as plain SQL: they run on every dispatch
 * and receipt, under the contract's lock, where the query builder's cost
 * would be most of the request's.
 */
export class CustodyQueries {
  constructor(private readonly sql: Sql) {}

  async media(contractId: string, ids: string[]): Promise<MediumEntity[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.all<MediumRow>(
      `SELECT ${MEDIUM_COLUMNS} FROM media WHERE contract_id = ? AND id IN (${Sql.list(ids.length)})`,
      [contractId, ...ids],
    );
    return rows.map(mediumFromRow);
  }

  /** Every medium's id and label on a contract, to resolve labels and keep them unique. */
  async labels(contractId: string): Promise<Array<{ id: string; label: string }>> {
    return this.sql.all<{ id: string; label: string }>(
      'SELECT id, label FROM media WHERE contract_id = ?',
      [contractId],
    );
  }

  /** Password notices of a contract that unlock any of `ids`. */
  async noticesFor(contractId: string, ids: string[]): Promise<MediumEntity[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.all<MediumRow>(
      `SELECT ${MEDIUM_COLUMNS} FROM media WHERE contract_id = ? AND unlocks_medium_id IN (${Sql.list(ids.length)})`,
      [contractId, ...ids],
    );
    return rows.map(mediumFromRow);
  }

  /** Every dispatch that carried any of these media. */
  async dispatchesOf(
    mediumIds: string[],
  ): Promise<Array<{ handoverId: string; mediumId: string; dispatchedAt: string }>> {
    if (mediumIds.length === 0) return [];
    const rows = await this.sql.all<{
      handover_id: string;
      medium_id: string;
      dispatched_at: string;
    }>(
      `SELECT handover_id, medium_id, dispatched_at FROM handover_items WHERE medium_id IN (${Sql.list(mediumIds.length)})`,
      mediumIds,
    );
    return rows.map((r) => ({
      handoverId: r.handover_id,
      mediumId: r.medium_id,
      dispatchedAt: r.dispatched_at,
    }));
  }

  /** Media now in transit in this bag. */
  async bagCargo(
    contractId: string,
    bagId: string,
  ): Promise<Array<{ handoverId: string; mediumId: string }>> {
    const rows = await this.sql.all<{ handover_id: string; medium_id: string }>(
      `SELECT i.handover_id, i.medium_id FROM handovers h JOIN handover_items i ON i.handover_id = h.id
        WHERE h.contract_id = ? AND h.bag_id = ? AND h.status = 'dispatched'`,
      [contractId, bagId],
    );
    return rows.map((r) => ({ handoverId: r.handover_id, mediumId: r.medium_id }));
  }

  async handover(contractId: string, id: string): Promise<HandoverEntity | undefined> {
    const row = await this.sql.one<HandoverRow>(
      `SELECT ${HANDOVER_COLUMNS} FROM handovers WHERE id = ? AND contract_id = ?`,
      [id, contractId],
    );
    return row ? handoverFromRow(row) : undefined;
  }

  /**
   * A handover's items, in their ids' order, in one statement (a receipt
   * reads them while it holds its contract's head).
   */
  async handoverMedia(contractId: string, handoverId: string): Promise<MediumEntity[]> {
    const rows = await this.sql.all<MediumRow>(HANDOVER_MEDIA, [handoverId, contractId]);
    return rows.map(mediumFromRow);
  }

  async user(
    id: string,
  ): Promise<
    | { id: string; organizationId: string; role: string; active: boolean; displayName: string }
    | undefined
  > {
    const row = await this.sql.one<{
      id: string;
      organization_id: string;
      role: string;
      active: unknown;
      display_name: string;
    }>(
      isUuid(id)
        ? 'SELECT id, organization_id, role, active, display_name FROM users WHERE id = ?'
        : 'SELECT id, organization_id, role, active, display_name FROM users WHERE login_id = ?',
      [isUuid(id) ? id.toLowerCase() : id],
    );
    return row
      ? {
          id: row.id,
          organizationId: row.organization_id,
          role: row.role,
          active: bool(row.active),
          displayName: row.display_name,
        }
      : undefined;
  }

  /** A person and their organization, named as they are now (for the entry's record). */
  async party(userId: string): Promise<PartyRef> {
    const [party] = await this.parties(userId, userId);
    return party;
  }

  /**
   * A handover's sender and addressee, named as they are now, in one
   * statement; undefined for no such handover. Who sent a handover to whom
   * never changes after its dispatch, and users are no ledger's: a receipt
   * reads this before it locks its contract's chain.
   */
  async handoverParties(
    contractId: string,
    handoverId: string,
  ): Promise<[PartyRef, PartyRef] | undefined> {
    const rows = await this.sql.all<PartyRow & { from_user_id: string; to_user_id: string }>(
      `SELECT u.id, u.login_id, u.display_name, o.id AS organization_id, o.name AS organization_name,
              h.from_user_id, h.to_user_id
         FROM handovers h
         JOIN users u ON u.id IN (h.from_user_id, h.to_user_id)
         JOIN organizations o ON o.id = u.organization_id
        WHERE h.id = ? AND h.contract_id = ?`,
      [handoverId, contractId],
    );
    const first = rows[0];
    return first ? partiesOf(rows, first.from_user_id, first.to_user_id) : undefined;
  }

  /** Two users, named as they are now, read in one statement. */
  async parties(fromUserId: string, toUserId: string): Promise<[PartyRef, PartyRef]> {
    const rows = await this.sql.all<PartyRow>(
      `SELECT u.id, u.login_id, u.display_name, o.id AS organization_id, o.name AS organization_name
         FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id IN (?, ?)`,
      [fromUserId, toUserId],
    );
    return partiesOf(rows, fromUserId, toUserId);
  }
}

interface PartyRow {
  id: string;
  login_id: string;
  display_name: string;
  organization_id: string;
  organization_name: string;
}

function partiesOf(
  rows: readonly PartyRow[],
  fromUserId: string,
  toUserId: string,
): [PartyRef, PartyRef] {
  const ref = (userId: string): PartyRef => {
    const row = rows.find((r) => r.id === userId);
    if (!row) throw new Error(`user ${userId} not found`);
    return {
      userId: row.id,
      loginId: row.login_id,
      displayName: row.display_name,
      organizationId: row.organization_id,
      organizationName: row.organization_name,
    };
  };
  return [ref(fromUserId), ref(toUserId)];
}

/** The columns of {@link MediumRow}, named (not `*`): the text is then a prepared statement on PostgreSQL. */
const MEDIUM_COLUMNS =
  'id, contract_id, kind, label, description, record_count, encrypted, sha256, unlocks_medium_id, state, compromised, holder_organization_id, holder_user_id, location, in_transit_handover_id, takeout_request_id, origin, place_id, derived_from, copy_permission_id, registered_at, last_event_at, last_seq';

const HANDOVER_MEDIA = `SELECT ${Sql.qualified('m', MEDIUM_COLUMNS)}
  FROM handover_items i JOIN media m ON m.id = i.medium_id
  WHERE i.handover_id = ? AND m.contract_id = ? ORDER BY i.medium_id`;

interface MediumRow {
  id: string;
  contract_id: string;
  kind: MediumKind;
  label: string;
  description: string;
  record_count: number;
  encrypted: unknown;
  sha256: string | null;
  unlocks_medium_id: string | null;
  state: CustodyState;
  compromised: unknown;
  holder_organization_id: string;
  holder_user_id: string | null;
  location: string | null;
  in_transit_handover_id: string | null;
  takeout_request_id: string | null;
  origin: 'ward' | 'contractor' | null;
  place_id: string | null;
  derived_from: string | null;
  copy_permission_id: string | null;
  registered_at: string;
  last_event_at: string;
  last_seq: number;
}

function mediumFromRow(r: MediumRow): MediumEntity {
  return Object.assign(new MediumEntity(), {
    id: r.id,
    contractId: r.contract_id,
    kind: r.kind,
    label: r.label,
    description: r.description,
    recordCount: Number(r.record_count),
    encrypted: bool(r.encrypted),
    sha256: r.sha256,
    unlocksMediumId: r.unlocks_medium_id,
    state: r.state,
    compromised: bool(r.compromised),
    holderOrganizationId: r.holder_organization_id,
    holderUserId: r.holder_user_id,
    location: r.location,
    inTransitHandoverId: r.in_transit_handover_id,
    takeoutRequestId: r.takeout_request_id,
    origin: r.origin,
    placeId: r.place_id,
    derivedFrom: r.derived_from === null ? null : (JSON.parse(r.derived_from) as DerivedFrom),
    copyPermissionId: r.copy_permission_id,
    registeredAt: r.registered_at,
    lastEventAt: r.last_event_at,
    lastSeq: Number(r.last_seq),
  });
}

/** The columns of {@link HandoverRow}. */
const HANDOVER_COLUMNS =
  'id, contract_id, status, purpose, method, bag_id, seal_number, note, from_user_id, from_organization_id, to_user_id, to_organization_id, dispatched_at, dispatch_seq, received_at, receipt_seq, seal_intact, compromised';

interface HandoverRow {
  id: string;
  contract_id: string;
  status: HandoverEntity['status'];
  purpose: HandoverEntity['purpose'];
  method: HandoverEntity['method'];
  bag_id: string | null;
  seal_number: string | null;
  note: string | null;
  from_user_id: string;
  from_organization_id: string;
  to_user_id: string;
  to_organization_id: string;
  dispatched_at: string;
  dispatch_seq: number;
  received_at: string | null;
  receipt_seq: number | null;
  seal_intact: unknown;
  compromised: unknown;
}

function handoverFromRow(r: HandoverRow): HandoverEntity {
  return Object.assign(new HandoverEntity(), {
    id: r.id,
    contractId: r.contract_id,
    status: r.status,
    purpose: r.purpose,
    method: r.method,
    bagId: r.bag_id,
    sealNumber: r.seal_number,
    note: r.note,
    fromUserId: r.from_user_id,
    fromOrganizationId: r.from_organization_id,
    toUserId: r.to_user_id,
    toOrganizationId: r.to_organization_id,
    dispatchedAt: r.dispatched_at,
    dispatchSeq: Number(r.dispatch_seq),
    receivedAt: r.received_at,
    receiptSeq: r.receipt_seq === null ? null : Number(r.receipt_seq),
    sealIntact: r.seal_intact === null ? null : bool(r.seal_intact),
    compromised: bool(r.compromised),
  });
}
