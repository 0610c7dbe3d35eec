import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { canonicalJson, type LedgerEntry } from '../ledger/hash-chain.js';
import { type LedgerProjector, ProjectorRegistry } from '../ledger/projector-registry.js';
import {
  type AnsweredChecklist,
  type ChecklistSection,
  type FindingRef,
  findingStateAfter,
  type FindingStep,
} from './checklist.rule.js';
import { AuditChecklistEntity } from './entities/audit-checklist.entity.js';
import { AuditFindingEntity } from './entities/audit-finding.entity.js';
import { AuditEntity, type AuditResult } from './entities/audit.entity.js';

/** An organization as an audit entry names it. */
export interface OrganizationRef {
  organizationId: string;
  organizationName: string;
}

/** `audit_recorded` */
export interface AuditRecordedPayload {
  auditId: string;
  performedOn: string;
  fiscalYear: number;
  result: AuditResult;
  findings: string | null;
  auditors: string[];
  /** Absent on audits recorded before checklists; null for an audit without one. */
  checklist?: AnsweredChecklist | null;
  /** The audited organization (the contractor, or the subcontractor it audited). */
  audited?: OrganizationRef;
  /** The auditing organization (the ward, or the contractor auditing its subcontractor). */
  auditing?: OrganizationRef;
  /** Set when the contractor audited an approved subcontractor (再委託先への立入り調査). */
  subcontractorOrganizationId?: string | null;
  correctiveActions?: FindingRef[];
}

/** `audit_checklist_set` */
export interface AuditChecklistSetPayload {
  version: number;
  title: string;
  sections: ChecklistSection[];
}

/** `audit_finding_reported_fixed`, `audit_finding_verified`, `audit_finding_reopened` */
export interface AuditFindingStepPayload {
  findingId: string;
  auditId: string;
  note: string | null;
}

const STEP_OF: Record<string, FindingStep> = {
  audit_finding_reported_fixed: 'report_fixed',
  audit_finding_verified: 'verify',
  audit_finding_reopened: 'reopen',
};

/**
 * A JSON column's value with its keys in the ledger's (canonical) order: a
 * rebuild reads payloads back from their canonical JSON, so the live append
 * stores the same bytes.
 */
function canonical<T>(value: T): T {
  return JSON.parse(canonicalJson(value)) as T;
}

@Injectable()
export class AuditsProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'audits';
  readonly types = [
    'audit_recorded',
    'audit_checklist_set',
    'audit_finding_reported_fixed',
    'audit_finding_verified',
    'audit_finding_reopened',
  ] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    switch (entry.type) {
      case 'audit_recorded':
        return this.recorded(manager, entry);
      case 'audit_checklist_set': {
        const p = entry.payload as unknown as AuditChecklistSetPayload;
        await manager.upsert(
          AuditChecklistEntity,
          {
            contractId: entry.contractId,
            version: p.version,
            title: p.title,
            sections: canonical(p.sections),
            setByUserId: entry.actor.userId,
            setAt: entry.recordedAt,
            seq: entry.seq,
          },
          ['contractId'],
        );
        return;
      }
      default: {
        const p = entry.payload as unknown as AuditFindingStepPayload;
        await manager.update(
          AuditFindingEntity,
          { id: p.findingId },
          {
            state: findingStateAfter(STEP_OF[entry.type]!),
            stateNote: p.note,
            stateChangedAt: entry.occurredAt,
            stateSeq: entry.seq,
          },
        );
      }
    }
  }

  private async recorded(manager: EntityManager, entry: LedgerEntry): Promise<void> {
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
      subcontractorOrganizationId: p.subcontractorOrganizationId ?? null,
      checklist: p.checklist ? canonical(p.checklist) : null,
    });
    for (const f of p.correctiveActions ?? []) {
      await manager.insert(AuditFindingEntity, {
        id: f.findingId,
        contractId: entry.contractId,
        auditId: p.auditId,
        itemId: f.itemId,
        itemLabel: f.itemLabel,
        itemText: f.itemText,
        correctiveAction: f.correctiveAction,
        dueOn: f.dueOn,
        ownerOrganizationId: p.audited!.organizationId,
        auditorOrganizationId: p.auditing!.organizationId,
        state: 'open',
        stateNote: null,
        stateChangedAt: entry.occurredAt,
        stateSeq: entry.seq,
      });
    }
  }

  async reset(manager: EntityManager): Promise<void> {
    for (const entity of [AuditFindingEntity, AuditChecklistEntity, AuditEntity]) {
      await manager.createQueryBuilder().delete().from(entity).execute();
    }
  }
}
