import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Sql } from '../../database/sql.js';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import type { TakeoutApprovalRef } from '../ledger/ledger-payloads.js';
import { type LedgerProjector, ProjectorRegistry } from '../ledger/projector-registry.js';
import { TakeoutRequestEntity } from './entities/takeout-request.entity.js';
import type { TakeoutPurpose } from './takeout.rule.js';

/** A person as the ledger names them in a take-out entry. */
export interface PersonRef {
  userId: string;
  displayName: string;
}

/** `takeout_requested` */
export interface TakeoutRequestedPayload {
  takeoutRequestId: string;
  applicant: PersonRef;
  dataItems: string[];
  recordCount: number;
  mediaKinds: string[];
  mediaCount: number;
  purpose: TakeoutPurpose;
  plannedOn: string;
  terminalId: string;
  note: string | null;
}

/** `takeout_approved` */
export interface TakeoutApprovedPayload {
  takeoutRequestId: string;
  approver: PersonRef;
  /** ISO instant until which the approval covers registrations and dispatches. */
  validUntil: string;
}

/** `takeout_rejected` */
export interface TakeoutRejectedPayload {
  takeoutRequestId: string;
  approver: PersonRef;
  reason: string;
}

/** `takeout_withdrawn` */
export interface TakeoutWithdrawnPayload {
  takeoutRequestId: string;
}

/**
 * Keeps `takeout_requests` as a projection of the take-out entries, and
 * counts the media registered under each request (from `medium_registered`
 * entries that name one).
 */
@Injectable()
export class TakeoutProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'takeout';
  readonly types = [
    'takeout_requested',
    'takeout_approved',
    'takeout_rejected',
    'takeout_withdrawn',
    'medium_registered',
  ] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    switch (entry.type) {
      case 'takeout_requested': {
        const p = entry.payload as unknown as TakeoutRequestedPayload;
        await manager.insert(TakeoutRequestEntity, {
          id: p.takeoutRequestId,
          contractId: entry.contractId,
          status: 'requested',
          applicantUserId: p.applicant.userId,
          dataItems: p.dataItems,
          recordCount: p.recordCount,
          mediaKinds: p.mediaKinds,
          mediaCount: p.mediaCount,
          purpose: p.purpose,
          plannedOn: p.plannedOn,
          terminalId: p.terminalId,
          note: p.note,
          requestedAt: entry.occurredAt,
          requestedSeq: entry.seq,
          decidedByUserId: null,
          decidedAt: null,
          reason: null,
          validUntil: null,
          mediaRegistered: 0,
        });
        return;
      }
      case 'takeout_approved': {
        const p = entry.payload as unknown as TakeoutApprovedPayload;
        await this.decide(manager, p.takeoutRequestId, {
          status: 'approved',
          decidedByUserId: p.approver.userId,
          decidedAt: entry.occurredAt,
          validUntil: p.validUntil,
        });
        return;
      }
      case 'takeout_rejected': {
        const p = entry.payload as unknown as TakeoutRejectedPayload;
        await this.decide(manager, p.takeoutRequestId, {
          status: 'rejected',
          decidedByUserId: p.approver.userId,
          decidedAt: entry.occurredAt,
          reason: p.reason,
        });
        return;
      }
      case 'takeout_withdrawn': {
        const p = entry.payload as unknown as TakeoutWithdrawnPayload;
        // The approval, if any, stays on the row: media registered under it carry it.
        await this.decide(manager, p.takeoutRequestId, { status: 'withdrawn' });
        return;
      }
      case 'medium_registered': {
        const takeout = (entry.payload as { takeout?: TakeoutApprovalRef }).takeout;
        if (!takeout) return;
        await new Sql(manager).run(
          'UPDATE takeout_requests SET media_registered = media_registered + 1 WHERE id = ?',
          [takeout.requestId],
        );
        return;
      }
    }
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(TakeoutRequestEntity).execute();
  }

  private async decide(
    manager: EntityManager,
    id: string,
    change: Partial<TakeoutRequestEntity>,
  ): Promise<void> {
    await manager.update(TakeoutRequestEntity, { id }, change);
  }
}
