import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, refuse } from '../../common/errors/domain-error.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { RosterService } from '../contracts/roster.service.js';
import type { Actor } from '../identity/roles.js';
import type { LedgerEventType } from '../ledger/ledger-events.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { AuditFindingStepPayload } from './audits.projector.js';
import { type FindingState, findingStepRefusal, type FindingStep } from './checklist.rule.js';
import { AuditFindingEntity } from './entities/audit-finding.entity.js';

const STEP_EVENT: Record<FindingStep, LedgerEventType> = {
  report_fixed: 'audit_finding_reported_fixed',
  verify: 'audit_finding_verified',
  reopen: 'audit_finding_reopened',
};

/**
 * The findings of audits (是正措置): the audited organization's rostered
 * staff report one fixed, the auditing side (the ward's officers, or the
 * contractor's rostered staff for a subcontractor) verifies or reopens it.
 * Each step is a ledger entry, allowed on a closed contract like the audit.
 */
@Injectable()
export class AuditFindingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly roster: RosterService,
  ) {}

  /** The contract's findings, oldest due first: content, so need to know. */
  async list(
    actor: Actor,
    contractId: string,
    state?: FindingState,
  ): Promise<AuditFindingEntity[]> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    return this.dataSource.getRepository(AuditFindingEntity).find({
      where: { contractId, ...(state ? { state } : {}) },
      order: { dueOn: 'ASC', id: 'ASC' },
    });
  }

  async step(
    actor: Actor,
    contractId: string,
    findingId: string,
    step: FindingStep,
    note: string | undefined,
  ): Promise<AuditFindingEntity> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor, { allowClosed: true });
      const finding = await this.find(manager, contractId, findingId);
      await this.requireStepper(manager, actor, finding, step, chain.openedAt);
      refuse(findingStepRefusal(finding.state, step));
      const payload: AuditFindingStepPayload = {
        findingId,
        auditId: finding.auditId,
        note: note?.trim() ?? null,
      };
      await chain.append({
        type: STEP_EVENT[step],
        occurredAt: chain.openedAt,
        payload: { ...payload },
      });
    });
    return this.find(this.dataSource.manager, contractId, findingId);
  }

  /**
   * The owner's rostered staff report; the auditing organization decides: a
   * ward officer of it, or its rostered staff when it is the contractor.
   */
  private async requireStepper(
    manager: EntityManager,
    actor: Actor,
    finding: AuditFindingEntity,
    step: FindingStep,
    at: Date,
  ): Promise<void> {
    const organizationId =
      step === 'report_fixed' ? finding.ownerOrganizationId : finding.auditorOrganizationId;
    const own =
      actor.organizationId === organizationId &&
      (actor.role === 'ward_officer' ||
        (actor.role === 'contractor_staff' &&
          (await this.roster.isRosteredAt(manager, finding.contractId, actor.userId, at))));
    if (own) return;
    throw step === 'report_fixed'
      ? new DomainError(
          'NOT_FINDING_OWNER',
          'Only the audited organization’s rostered staff report a finding fixed',
          { findingId: finding.id },
        )
      : new DomainError(
          'NOT_FINDING_AUDITOR',
          'Only the auditing organization verifies or reopens a finding',
          { findingId: finding.id },
        );
  }

  private async find(
    manager: EntityManager,
    contractId: string,
    findingId: string,
  ): Promise<AuditFindingEntity> {
    const row = await manager.findOneBy(AuditFindingEntity, { id: findingId, contractId });
    if (!row) {
      throw new DomainError('FINDING_NOT_FOUND', 'No such finding on this contract', {
        findingId,
      });
    }
    return row;
  }
}
