import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Sql } from '../../database/sql.js';
import { WriteBatch } from '../../database/write-batch.js';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import type {
  HandoverDispatchedPayload,
  HandoverReceivedPayload,
  PlaceRef,
  TakeoutApprovalRef,
} from '../ledger/ledger-payloads.js';
import type { CopyPermissionRef } from '../copies/copies.projector.js';
import type { DerivedFrom } from '../copies/copies.rule.js';
import { type LedgerProjector, ProjectorRegistry } from '../ledger/projector-registry.js';
import type { CustodyState, MediumKind } from './custody-state.js';
import { HandoverItemEntity } from './entities/handover-item.entity.js';
import { HandoverEntity } from './entities/handover.entity.js';
import { type IncidentKind, IncidentEntity } from './entities/incident.entity.js';
import { MediumEntity } from './entities/medium.entity.js';

/** `medium_registered` */
export interface MediumRegisteredPayload {
  mediumId: string;
  kind: MediumKind;
  label: string;
  description: string;
  recordCount: number;
  encrypted: boolean;
  sha256: string | null;
  unlocksMediumId: string | null;
  location: string | null;
  holder: { organizationId: string; userId: string };
  /** Which side registered it (absent before take-out approval existed). */
  origin?: 'ward' | 'contractor';
  /** The approved take-out request it was written under, if any. */
  takeout?: TakeoutApprovalRef;
  /** Contractor side, on a contract with designated places: where it was registered. */
  place?: PlaceRef;
  /** What the contractor made it from, when declared. */
  derivedFrom?: DerivedFrom;
  /** For a copy: the ward's permission it was made under. */
  copy?: CopyPermissionRef;
}

/** `medium_stored` */
export interface MediumStoredPayload {
  mediumId: string;
  location: string;
  /** Contractor side, on a contract with designated places: the place it is kept at. */
  place?: PlaceRef;
}

/** `incident_reported` */
export interface IncidentReportedPayload {
  incidentId: string;
  kind: IncidentKind;
  handoverId: string | null;
  mediumIds: string[];
  description: string;
  /** The state each medium takes because of it (lost media become `lost`). */
  states: Record<string, CustodyState>;
}

/**
 * Keeps media, handovers, their items and incidents as projections of the
 * ledger. Every decision was taken before the event was written and is in
 * its payload; this only applies it, so replaying the ledger gives the same
 * tables.
 */
@Injectable()
export class CustodyProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'custody';
  readonly types = [
    'medium_registered',
    'handover_dispatched',
    'handover_received',
    'medium_stored',
    'incident_reported',
  ] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    const writes = new WriteBatch(new Sql(manager));
    await this.applyInto(writes, manager, entry);
    await writes.flush();
  }

  /** Handovers, the hot path, write through the append's batch; the rest flush it first. */
  async applyInto(writes: WriteBatch, manager: EntityManager, entry: LedgerEntry): Promise<void> {
    switch (entry.type) {
      case 'handover_dispatched':
        return this.dispatched(
          writes,
          entry,
          entry.payload as unknown as HandoverDispatchedPayload,
        );
      case 'handover_received':
        return this.received(writes, entry, entry.payload as unknown as HandoverReceivedPayload);
    }
    await writes.flush();
    switch (entry.type) {
      case 'medium_registered':
        return this.registered(manager, entry, entry.payload as unknown as MediumRegisteredPayload);
      case 'medium_stored': {
        const p = entry.payload as unknown as MediumStoredPayload;
        await manager.update(
          MediumEntity,
          { id: p.mediumId },
          {
            location: p.location,
            placeId: p.place?.placeId ?? null,
            lastEventAt: entry.occurredAt,
            lastSeq: entry.seq,
          },
        );
        return;
      }
      case 'incident_reported':
        return this.incident(manager, entry, entry.payload as unknown as IncidentReportedPayload);
    }
  }

  async reset(manager: EntityManager): Promise<void> {
    for (const entity of [IncidentEntity, HandoverItemEntity, HandoverEntity, MediumEntity]) {
      await manager.createQueryBuilder().delete().from(entity).execute();
    }
  }

  private async registered(
    manager: EntityManager,
    entry: LedgerEntry,
    p: MediumRegisteredPayload,
  ): Promise<void> {
    await manager.insert(MediumEntity, {
      id: p.mediumId,
      contractId: entry.contractId,
      kind: p.kind,
      label: p.label,
      description: p.description,
      recordCount: p.recordCount,
      encrypted: p.encrypted,
      sha256: p.sha256,
      unlocksMediumId: p.unlocksMediumId,
      state: 'held',
      compromised: false,
      holderOrganizationId: p.holder.organizationId,
      holderUserId: p.holder.userId,
      takeoutRequestId: p.takeout?.requestId ?? null,
      origin: p.origin ?? null,
      location: p.location,
      placeId: p.place?.placeId ?? null,
      derivedFrom: p.derivedFrom ?? null,
      copyPermissionId: p.copy?.permissionId ?? null,
      inTransitHandoverId: null,
      registeredAt: entry.occurredAt,
      lastEventAt: entry.occurredAt,
      lastSeq: entry.seq,
    });
  }

  private async dispatched(
    sql: WriteBatch,
    entry: LedgerEntry,
    p: HandoverDispatchedPayload,
  ): Promise<void> {
    // Plain SQL, each row written once, nothing read back: this runs on
    // every dispatch, in the append's batch.
    await sql.run(
      `INSERT INTO handovers (id, contract_id, status, purpose, method, bag_id, seal_number, note,
         from_user_id, from_organization_id, to_user_id, to_organization_id, dispatched_at,
         dispatch_seq, received_at, receipt_seq, seal_intact, compromised)
       VALUES (?, ?, 'dispatched', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?)`,
      [
        p.handoverId,
        entry.contractId,
        p.purpose,
        p.method,
        p.bagId,
        p.sealNumber,
        p.note,
        p.from.userId,
        p.from.organizationId,
        p.to.userId,
        p.to.organizationId,
        entry.occurredAt,
        entry.seq,
        false,
      ],
    );
    const ids = p.items.map((i) => i.mediumId);
    for (const mediumId of ids) {
      await sql.run(
        'INSERT INTO handover_items (handover_id, medium_id, contract_id, dispatched_at) VALUES (?, ?, ?, ?)',
        [p.handoverId, mediumId, entry.contractId, entry.occurredAt],
      );
    }
    await sql.run(
      `UPDATE media SET state = 'in_transit', in_transit_handover_id = ?, location = NULL, place_id = NULL,
         last_event_at = ?, last_seq = ? WHERE id IN (${Sql.list(ids.length)})`,
      [p.handoverId, entry.occurredAt, entry.seq, ...ids],
    );
  }

  private async received(
    sql: WriteBatch,
    entry: LedgerEntry,
    p: HandoverReceivedPayload,
  ): Promise<void> {
    // Plain SQL, each row written once, nothing read back: this runs on
    // every receipt, in the append's batch.
    await sql.run(
      `UPDATE handovers SET status = 'received', received_at = ?, receipt_seq = ?, seal_intact = ?,
         compromised = ? WHERE id = ?`,
      [entry.occurredAt, entry.seq, p.sealIntact, p.compromisedMediumIds.length > 0, p.handoverId],
    );
    const compromised = new Set(p.compromisedMediumIds);
    for (const item of p.items) {
      await sql.run(
        `UPDATE media SET state = ?, holder_organization_id = ?, holder_user_id = ?,
           in_transit_handover_id = NULL, place_id = ?, last_event_at = ?, last_seq = ?${
             compromised.has(item.mediumId) ? ', compromised = ?' : ''
           } WHERE id = ?`,
        [
          p.states[item.mediumId],
          p.to.organizationId,
          p.to.userId,
          p.place?.placeId ?? null,
          entry.occurredAt,
          entry.seq,
          ...(compromised.has(item.mediumId) ? [true] : []),
          item.mediumId,
        ],
      );
    }
  }

  private async incident(
    manager: EntityManager,
    entry: LedgerEntry,
    p: IncidentReportedPayload,
  ): Promise<void> {
    await manager.insert(IncidentEntity, {
      id: p.incidentId,
      contractId: entry.contractId,
      seq: entry.seq,
      kind: p.kind,
      handoverId: p.handoverId,
      mediumIds: p.mediumIds,
      description: p.description,
      occurredAt: entry.occurredAt,
      recordedAt: entry.recordedAt,
      reportedByUserId: entry.actor.userId,
    });
    // Every medium it names has had this event: later ones may not be dated before it.
    for (const mediumId of p.mediumIds) {
      await manager.update(
        MediumEntity,
        { id: mediumId },
        { lastEventAt: entry.occurredAt, lastSeq: entry.seq },
      );
    }
    for (const [mediumId, state] of Object.entries(p.states)) {
      await manager.update(
        MediumEntity,
        { id: mediumId },
        { state, lastEventAt: entry.occurredAt, lastSeq: entry.seq },
      );
    }
  }
}
