import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import { type LedgerProjector, ProjectorRegistry } from '../ledger/projector-registry.js';
import { AuditEntity, type AuditResult } from './entities/audit.entity.js';

/** `audit_recorded` */
export interface AuditRecordedPayload {
  auditId: string;
  performedOn: string;
  fiscalYear: number;
  result: AuditResult;
  findings: string | null;
  auditors: string[];
}

@Injectable()
export class AuditsProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'audits';
  readonly types = ['audit_recorded'] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    const p = entry.payload as unknown as AuditRecordedPayload;
    await manager.insert(AuditEntity, {
      id: p.auditId,
      contractId: entry.contractId,
      performedOn: p.performedOn,
      fiscalYear: p.fiscalYear,
      result: p.result,
      findings: p.findings,
      auditors: p.auditors,
      recordedByUserId: entry.actor.userId,
      recordedAt: entry.recordedAt,
      seq: entry.seq,
    });
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(AuditEntity).execute();
  }
}
