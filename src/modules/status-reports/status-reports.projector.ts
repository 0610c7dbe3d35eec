import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { canonicalJson, type LedgerEntry } from '../ledger/hash-chain.js';
import { type LedgerProjector, ProjectorRegistry } from '../ledger/projector-registry.js';
import { StatusReportEntity } from './entities/status-report.entity.js';
import type { StatusReportHoldings } from './status-report.rule.js';

/** A person as a status-report entry names them. */
export interface PersonRef {
  userId: string;
  displayName: string;
}

/** `status_report_requested` */
export interface StatusReportRequestedPayload {
  statusReportId: string;
  requestedBy: PersonRef;
  note: string | null;
}

/** `status_report_answered`: the holdings as the contractor answered, frozen. */
export interface StatusReportAnsweredPayload {
  statusReportId: string;
  answeredBy: PersonRef;
  statement: string;
  holdings: StatusReportHoldings;
}

/** Keeps `status_reports` as a projection of the request and answer entries. */
@Injectable()
export class StatusReportsProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'status-reports';
  readonly types = ['status_report_requested', 'status_report_answered'] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    if (entry.type === 'status_report_requested') {
      const p = entry.payload as unknown as StatusReportRequestedPayload;
      await manager.insert(StatusReportEntity, {
        id: p.statusReportId,
        contractId: entry.contractId,
        state: 'requested',
        requestedByUserId: p.requestedBy.userId,
        requestedAt: entry.occurredAt,
        requestNote: p.note,
        requestedSeq: entry.seq,
        answeredByUserId: null,
        answeredAt: null,
        statement: null,
        holdings: null,
        answeredSeq: null,
      });
      return;
    }
    const p = entry.payload as unknown as StatusReportAnsweredPayload;
    await manager.update(
      StatusReportEntity,
      { id: p.statusReportId },
      {
        state: 'answered',
        answeredByUserId: p.answeredBy.userId,
        answeredAt: entry.occurredAt,
        statement: p.statement,
        // In the ledger's key order, so that a rebuild stores the same bytes.
        holdings: JSON.parse(canonicalJson(p.holdings)) as StatusReportHoldings,
        answeredSeq: entry.seq,
      },
    );
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(StatusReportEntity).execute();
  }
}
