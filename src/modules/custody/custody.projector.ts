import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import type {
  HandoverDispatchedPayload,
  HandoverReceivedPayload,
} from '../ledger/ledger-payloads.js';
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
}

/** `medium_stored` */
export interface MediumStoredPayload {
  mediumId: string;
  location: string;
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
    switch (entry.type) {
      case 'medium_registered':
        return this.registered(manager, entry, entry.payload as unknown as MediumRegisteredPayload);
      case 'handover_dispatched':
        return this.dispatched(
          manager,
          entry,
          entry.payload as unknown as HandoverDispatchedPayload,
        );
      case 'handover_received':
        return this.received(manager, entry, entry.payload as unknown as HandoverReceivedPayload);
      case 'medium_stored': {
        const p = entry.payload as unknown as MediumStoredPayload;
        await manager.update(
          MediumEntity,
          { id: p.mediumId },
          { location: p.location, lastEventAt: entry.occurredAt, lastSeq: entry.seq },
        );
        return;
      }
      case 'incident_reported':
        return this.incident(manager, entry, entry.payload as unknown as IncidentReportedPayload);
    }
  }

  async reset(manager: EntityManager): Promise<void> {
    for (const entity of [IncidentEntity, HandoverItemEntity, HandoverEntity, MediumEntity]) {
      await manager.delete(entity, {});
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
      location: p.location,
      inTransitHandoverId: null,
      registeredAt: entry.occurredAt,
      lastEventAt: entry.occurredAt,
      lastSeq: entry.seq,
    });
  }

  private async dispatched(
    manager: EntityManager,
    entry: LedgerEntry,
    p: HandoverDispatchedPayload,
  ): Promise<void> {
    await manager.insert(HandoverEntity, {
      id: p.handoverId,
      contractId: entry.contractId,
      status: 'dispatched',
      purpose: p.purpose as HandoverEntity['purpose'],
      method: p.method as HandoverEntity['method'],
      bagId: p.bagId,
      sealNumber: p.sealNumber,
      note: p.note,
      fromUserId: p.from.userId,
      fromOrganizationId: p.from.organizationId,
      toUserId: p.to.userId,
      toOrganizationId: p.to.organizationId,
      dispatchedAt: entry.occurredAt,
      dispatchSeq: entry.seq,
      receivedAt: null,
      receiptSeq: null,
      sealIntact: null,
      compromised: false,
    });
    const ids = p.items.map((i) => i.mediumId);
    await manager.insert(
      HandoverItemEntity,
      ids.map((mediumId) => ({
        handoverId: p.handoverId,
        mediumId,
        contractId: entry.contractId,
        dispatchedAt: entry.occurredAt,
      })),
    );
    await manager.update(
      MediumEntity,
      { id: In(ids) },
      {
        state: 'in_transit',
        inTransitHandoverId: p.handoverId,
        location: null,
        lastEventAt: entry.occurredAt,
        lastSeq: entry.seq,
      },
    );
  }

  private async received(
    manager: EntityManager,
    entry: LedgerEntry,
    p: HandoverReceivedPayload,
  ): Promise<void> {
    await manager.update(
      HandoverEntity,
      { id: p.handoverId },
      {
        status: 'received',
        receivedAt: entry.occurredAt,
        receiptSeq: entry.seq,
        sealIntact: p.sealIntact,
        compromised: p.compromisedMediumIds.length > 0,
      },
    );
    const compromised = new Set(p.compromisedMediumIds);
    for (const item of p.items) {
      await manager.update(
        MediumEntity,
        { id: item.mediumId },
        {
          state: p.states[item.mediumId] as CustodyState,
          holderOrganizationId: p.to.organizationId,
          holderUserId: p.to.userId,
          inTransitHandoverId: null,
          lastEventAt: entry.occurredAt,
          lastSeq: entry.seq,
          ...(compromised.has(item.mediumId) ? { compromised: true } : {}),
        },
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
    for (const [mediumId, state] of Object.entries(p.states)) {
      await manager.update(
        MediumEntity,
        { id: mediumId },
        { state, lastEventAt: entry.occurredAt, lastSeq: entry.seq },
      );
    }
  }
}
