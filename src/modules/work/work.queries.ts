import { bool, Sql } from '../../database/sql.js';
import type { CustodyState, HandoverMethod, MediumKind } from '../custody/custody-state.js';
import type { TakeoutStatus } from '../takeout/takeout.rule.js';
import type { Bounded, NoticeFacts, TakeoutWorkFacts } from './work.rule.js';

/** An item of one contract, by its id (the service names the contract). */
interface OfContract {
  contractId: string;
}

export interface HeldMediumRow extends OfContract {
  id: string;
  kind: MediumKind;
  label: string;
  location: string | null;
  lastEventAt: string;
}

export interface HandoverToReceiveRow extends OfContract {
  id: string;
  method: HandoverMethod;
  dispatchedAt: string;
  fromName: string;
  fromOrganizationName: string;
  media: Array<{ id: string; label: string; kind: MediumKind }>;
}

export interface NoticeCandidate extends OfContract, NoticeFacts {
  id: string;
  kind: MediumKind;
  label: string;
  unlocks: { id: string; label: string; kind: MediumKind };
  /** The names of the organizations the rule may name as the destination. */
  organizationNames: Map<string, string>;
}

export interface TakeoutCandidate extends OfContract, TakeoutWorkFacts {
  id: string;
  dataItems: string[];
  requestedAt: string;
  applicantName: string;
}

export interface CertificateToConfirmRow extends OfContract {
  id: string;
  certificateNumber: string;
  submittedAt: string;
  organizationName: string;
}

/**
 * The reads of 今日の作業, one query per kind over every contract the caller
 * may read (`contract_id IN (…)`): the lists whose rule is a plain condition
 * come bounded with their total (`COUNT(*) OVER ()`, counted before the
 * LIMIT), the others as candidates narrowed by the user and the state, for
 * work.rule to decide. Never called with an empty list of contracts.
 */
export class WorkQueries {
  private readonly inContracts: string;

  constructor(
    private readonly sql: Sql,
    private readonly contractIds: string[],
    private readonly limit: number,
  ) {
    this.inContracts = `contract_id IN (${Sql.list(contractIds.length)})`;
  }

  /** Media the user holds (保管中), oldest registration first. */
  async held(userId: string): Promise<Bounded<HeldMediumRow>> {
    const rows = await this.sql.all<{
      id: string;
      contract_id: string;
      kind: MediumKind;
      label: string;
      location: string | null;
      last_event_at: string;
      total: number | string;
    }>(
      `SELECT id, contract_id, kind, label, location, last_event_at, COUNT(*) OVER () AS total
         FROM media
        WHERE holder_user_id = ? AND state = 'held' AND ${this.inContracts}
        ORDER BY registered_at, id
        LIMIT ?`,
      [userId, ...this.contractIds, this.limit],
    );
    return {
      total: totalOf(rows),
      items: rows.map((r) => ({
        id: r.id,
        contractId: r.contract_id,
        kind: r.kind,
        label: r.label,
        location: r.location,
        lastEventAt: r.last_event_at,
      })),
    };
  }

  /** Handovers addressed to the user, dispatched and not received, oldest first, with their media. */
  async toReceive(userId: string): Promise<Bounded<HandoverToReceiveRow>> {
    const rows = await this.sql.all<{
      id: string;
      contract_id: string;
      method: HandoverMethod;
      dispatched_at: string;
      from_name: string;
      from_organization_name: string;
      total: number | string;
    }>(
      `SELECT h.id, h.contract_id, h.method, h.dispatched_at, u.display_name AS from_name,
              o.name AS from_organization_name, COUNT(*) OVER () AS total
         FROM handovers h
         JOIN users u ON u.id = h.from_user_id
         JOIN organizations o ON o.id = h.from_organization_id
        WHERE h.to_user_id = ? AND h.status = 'dispatched' AND h.${this.inContracts}
        ORDER BY h.dispatched_at, h.id
        LIMIT ?`,
      [userId, ...this.contractIds, this.limit],
    );
    const ids = rows.map((r) => r.id);
    const carried = ids.length
      ? await this.sql.all<{ handover_id: string; id: string; label: string; kind: MediumKind }>(
          `SELECT i.handover_id, m.id, m.label, m.kind
             FROM handover_items i JOIN media m ON m.id = i.medium_id
            WHERE i.handover_id IN (${Sql.list(ids.length)})
            ORDER BY m.label, m.id`,
          ids,
        )
      : [];
    return {
      total: totalOf(rows),
      items: rows.map((r) => ({
        id: r.id,
        contractId: r.contract_id,
        method: r.method,
        dispatchedAt: r.dispatched_at,
        fromName: r.from_name,
        fromOrganizationName: r.from_organization_name,
        media: carried
          .filter((m) => m.handover_id === r.id)
          .map((m) => ({ id: m.id, label: m.label, kind: m.kind })),
      })),
    };
  }

  /**
   * Password notices the user holds, each with the custody of the medium it
   * unlocks and, while that is in transit, the addressee of its handover.
   * Not bounded: what one person holds in hand.
   */
  async noticeCandidates(userId: string): Promise<NoticeCandidate[]> {
    const rows = await this.sql.all<{
      id: string;
      contract_id: string;
      kind: MediumKind;
      label: string;
      state: CustodyState;
      holder_user_id: string | null;
      holder_organization_id: string;
      medium_id: string;
      medium_label: string;
      medium_kind: MediumKind;
      medium_state: CustodyState;
      medium_holder_organization_id: string;
      medium_holder_organization_name: string;
      transit_to_organization_id: string | null;
      transit_to_organization_name: string | null;
    }>(
      `SELECT n.id, n.contract_id, n.kind, n.label, n.state, n.holder_user_id,
              n.holder_organization_id,
              m.id AS medium_id, m.label AS medium_label, m.kind AS medium_kind,
              m.state AS medium_state, m.holder_organization_id AS medium_holder_organization_id,
              mo.name AS medium_holder_organization_name,
              h.to_organization_id AS transit_to_organization_id,
              ho.name AS transit_to_organization_name
         FROM media n
         JOIN media m ON m.id = n.unlocks_medium_id
         JOIN organizations mo ON mo.id = m.holder_organization_id
         LEFT JOIN handovers h ON h.id = m.in_transit_handover_id
         LEFT JOIN organizations ho ON ho.id = h.to_organization_id
        WHERE n.holder_user_id = ? AND n.state = 'held' AND n.kind = 'password_notice'
          AND n.${this.inContracts}
        ORDER BY n.registered_at, n.id`,
      [userId, ...this.contractIds],
    );
    return rows.map((r) => ({
      id: r.id,
      contractId: r.contract_id,
      kind: r.kind,
      label: r.label,
      state: r.state,
      holderUserId: r.holder_user_id,
      holderOrganizationId: r.holder_organization_id,
      medium: {
        state: r.medium_state,
        holderOrganizationId: r.medium_holder_organization_id,
        inTransitToOrganizationId: r.transit_to_organization_id,
      },
      unlocks: { id: r.medium_id, label: r.medium_label, kind: r.medium_kind },
      organizationNames: new Map([
        [r.medium_holder_organization_id, r.medium_holder_organization_name],
        ...(r.transit_to_organization_id && r.transit_to_organization_name
          ? [[r.transit_to_organization_id, r.transit_to_organization_name] as const]
          : []),
      ]),
    }));
  }

  /**
   * Take-out requests still undecided (an approver's to decide: few, they
   * are decided within days), and the user's own approved ones (to use).
   */
  async takeoutCandidates(userId: string): Promise<TakeoutCandidate[]> {
    const rows = await this.sql.all<{
      id: string;
      contract_id: string;
      status: TakeoutStatus;
      applicant_user_id: string;
      data_items: string;
      media_count: number | string;
      media_registered: number | string;
      requested_at: string;
      valid_until: string | null;
      applicant_name: string;
    }>(
      `SELECT t.id, t.contract_id, t.status, t.applicant_user_id, t.data_items, t.media_count,
              t.media_registered, t.requested_at, t.valid_until, u.display_name AS applicant_name
         FROM takeout_requests t JOIN users u ON u.id = t.applicant_user_id
        WHERE t.${this.inContracts}
          AND (t.status = 'requested' OR (t.status = 'approved' AND t.applicant_user_id = ?))
        ORDER BY t.requested_at, t.id`,
      [...this.contractIds, userId],
    );
    return rows.map((r) => ({
      id: r.id,
      contractId: r.contract_id,
      status: r.status,
      applicantUserId: r.applicant_user_id,
      dataItems: JSON.parse(r.data_items) as string[],
      mediaCount: Number(r.media_count),
      mediaRegistered: Number(r.media_registered),
      requestedAt: r.requested_at,
      validUntil: r.valid_until,
      applicantName: r.applicant_name,
    }));
  }

  /** Deletion certificates submitted and not yet confirmed or rejected, oldest first. */
  async certificatesToConfirm(): Promise<Bounded<CertificateToConfirmRow>> {
    const rows = await this.sql.all<{
      id: string;
      contract_id: string;
      certificate_number: string;
      submitted_at: string;
      organization_name: string;
      total: number | string;
    }>(
      `SELECT c.id, c.contract_id, c.certificate_number, c.submitted_at,
              o.name AS organization_name, COUNT(*) OVER () AS total
         FROM deletion_certificates c JOIN organizations o ON o.id = c.organization_id
        WHERE c.status = 'submitted' AND c.${this.inContracts}
        ORDER BY c.submitted_at, c.id
        LIMIT ?`,
      [...this.contractIds, this.limit],
    );
    return {
      total: totalOf(rows),
      items: rows.map((r) => ({
        id: r.id,
        contractId: r.contract_id,
        certificateNumber: r.certificate_number,
        submittedAt: r.submitted_at,
        organizationName: r.organization_name,
      })),
    };
  }

  /** Whether the user is an approver (所属長) of take-outs. */
  async isApprover(userId: string): Promise<boolean> {
    const row = await this.sql.one<{ is_approver: unknown }>(
      'SELECT is_approver FROM users WHERE id = ?',
      [userId],
    );
    return bool(row?.is_approver);
  }
}

/** The window count every row of a bounded query carries (none when no row matched). */
function totalOf(rows: Array<{ total: number | string }>): number {
  return rows.length ? Number(rows[0]!.total) : 0;
}
