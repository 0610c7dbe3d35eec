import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { DomainError, refuse } from '../../common/errors/domain-error.js';
import { businessDateOf } from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { ContractsService, type ContractView } from '../contracts/contracts.service.js';
import { RosterService } from '../contracts/roster.service.js';
import type { Actor } from '../identity/roles.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { PdfRenderer } from '../pdf/pdf.renderer.js';
import { AuditChecklistService } from './audit-checklist.service.js';
import { AuditContinuityReader } from './audit-continuity.js';
import type { AuditRecordedPayload, OrganizationRef } from './audits.projector.js';
import { type AnswerInput, answeredChecklist, answersRefusal } from './checklist.rule.js';
import type { RecordAuditRequest } from './dto/audit.dto.js';
import { AuditFindingEntity } from './entities/audit-finding.entity.js';
import { AuditEntity } from './entities/audit.entity.js';
import { auditRequirement, businessDueOn, fiscalYearOf } from './fiscal-year.rule.js';

export interface AuditStatus {
  contractId: string;
  title: string;
  fiscalYear: number;
  required: boolean;
  done: boolean;
  /** The legal (contract) due date: the earlier of 31 March and the contract's end. */
  dueOn: string | null;
  /** The last business day on or before dueOn, whatever REMINDER_DAY_COUNT says. */
  businessDueOn: string | null;
  overdue: boolean;
  lastAudit: AuditEntity | null;
  /** Findings (是正措置) of the contract not yet verified, whoever audited. */
  openFindings: number;
}

/**
 * On-site audits (立入調査): at least one per fiscal year for every contract
 * (seed 001/002 特記事項 15–17), recorded in the contract's ledger.
 */
@Injectable()
export class AuditsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly continuity: AuditContinuityReader,
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
    private readonly checklists: AuditChecklistService,
    private readonly pdfs: PdfRenderer,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  private today(): string {
    return businessDateOf(this.clock.now(), this.config.BUSINESS_TIMEZONE);
  }

  /**
   * A ward officer of the contract's ward records an audit of the contractor,
   * or the contractor's rostered staff an audit of an approved subcontractor
   * (再委託先への立入り調査); a closed contract still takes one. With
   * `answers`, every item of the checklist in force is answered and every ×
   * becomes a finding owned by the audited organization.
   */
  async record(actor: Actor, contractId: string, request: RecordAuditRequest) {
    const view = await this.roster.findReadableNeedToKnow(actor, contractId);
    const parties = await this.parties(actor, view, request.subcontractorOrganizationId);
    this.refuseInvalid(view, request);
    await this.continuity.precheck(contractId);
    return this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor, { allowClosed: true });
      const answered = request.answers
        ? await this.answer(manager, contractId, request, request.answers)
        : null;
      const payload: AuditRecordedPayload = {
        auditId: randomUUID(),
        performedOn: request.performedOn,
        fiscalYear: fiscalYearOf(request.performedOn),
        result: request.result,
        findings: request.findings?.trim() ?? null,
        auditors: request.auditors.map((a) => a.trim()),
        checklist: answered?.checklist ?? null,
        audited: await this.organization(manager, parties.audited),
        auditing: await this.organization(manager, parties.auditing),
        subcontractorOrganizationId: request.subcontractorOrganizationId ?? null,
        correctiveActions: answered?.findings ?? [],
      };
      const entry = await chain.append({
        type: 'audit_recorded',
        occurredAt: chain.openedAt,
        payload: { ...payload },
      });
      return {
        id: payload.auditId,
        seq: entry.seq,
        hash: entry.hash,
        findingIds: payload.correctiveActions!.map((f) => f.findingId),
      };
    });
  }

  /** An audit dated today or before, not before the contract, with findings unless satisfactory. */
  private refuseInvalid(view: ContractView, request: RecordAuditRequest): void {
    const today = this.today();
    if (request.performedOn > today) {
      throw new DomainError('INVALID_AUDIT_DATE', 'performedOn is in the future', {
        performedOn: request.performedOn,
        today,
      });
    }
    if (request.performedOn < view.contract.startsOn) {
      throw new DomainError('INVALID_AUDIT_DATE', 'performedOn is before the contract starts', {
        performedOn: request.performedOn,
        startsOn: view.contract.startsOn,
      });
    }
    const crosses = request.answers?.some((a) => a.answer === 'no') ?? false;
    if (request.result !== 'satisfactory' && !request.findings && !crosses) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'findings are required unless the result is satisfactory or the checklist has a ×',
        {
          fields: [
            {
              field: 'findings',
              messages: ['findings are required unless the result is satisfactory'],
            },
          ],
        },
      );
    }
  }

  /**
   * Who audits whom: a ward officer of the ward audits the contractor; the
   * contractor's own staff (rostered) audit an approved subcontractor.
   */
  private async parties(
    actor: Actor,
    view: ContractView,
    subcontractorOrganizationId: string | undefined,
  ): Promise<{ audited: string; auditing: string }> {
    if (actor.role === 'ward_officer') {
      await this.contracts.findManageable(actor, view.contract.id);
      if (subcontractorOrganizationId) {
        throw new DomainError(
          'INVALID_REFERENCE',
          'A ward audits the contractor; the contractor audits its subcontractors',
          { field: 'subcontractorOrganizationId' },
        );
      }
      return { audited: view.contractorOrganizationId, auditing: view.wardOrganizationId };
    }
    if (actor.organizationId !== view.contractorOrganizationId) {
      throw new DomainError('NOT_CONTRACTOR', 'Only the contractor audits its subcontractors', {
        contractId: view.contract.id,
      });
    }
    if (!subcontractorOrganizationId) {
      throw new DomainError('VALIDATION_FAILED', 'Name the subcontractor audited', {
        fields: [
          { field: 'subcontractorOrganizationId', messages: ['required for contractor staff'] },
        ],
      });
    }
    if (!view.subcontractorOrganizationIds.includes(subcontractorOrganizationId)) {
      throw new DomainError(
        'SUBCONTRACTING_NOT_APPROVED',
        'The organization is not an approved subcontractor of the contract',
        { subcontractorOrganizationId },
      );
    }
    return { audited: subcontractorOrganizationId, auditing: view.contractorOrganizationId };
  }

  /** The answers against the checklist in force (read under the chain lock). */
  private async answer(
    manager: EntityManager,
    contractId: string,
    request: RecordAuditRequest,
    answers: AnswerInput[],
  ) {
    const checklist = await this.checklists.inForce(manager, contractId);
    refuse(answersRefusal(checklist, answers, request));
    return answeredChecklist(checklist, answers, randomUUID);
  }

  private async organization(manager: EntityManager, id: string): Promise<OrganizationRef> {
    const row = await new Sql(manager).one<{ name: string }>(
      'SELECT name FROM organizations WHERE id = ?',
      [id],
    );
    return { organizationId: id, organizationName: row?.name ?? '' };
  }

  /** The audit's printable report (立入調査報告書): content, so need to know. */
  async reportPdf(actor: Actor, contractId: string, auditId: string): Promise<Buffer> {
    const view = await this.roster.findReadableNeedToKnow(actor, contractId);
    const audit = await this.dataSource
      .getRepository(AuditEntity)
      .findOneBy({ id: auditId, contractId });
    if (!audit) {
      throw new DomainError('AUDIT_NOT_FOUND', 'No such audit on this contract', { auditId });
    }
    const findings = await this.dataSource
      .getRepository(AuditFindingEntity)
      .find({ where: { auditId }, order: { dueOn: 'ASC', itemLabel: 'ASC' } });
    const [entry] = await this.ledger.list(contractId, audit.seq - 1, 1);
    const payload = entry!.payload as unknown as AuditRecordedPayload;
    const organization = async (id: string) =>
      (await this.organization(this.dataSource.manager, id)).organizationName;
    const recordedBy = await new Sql(this.dataSource.manager).one<{ display_name: string }>(
      'SELECT display_name FROM users WHERE id = ?',
      [audit.recordedByUserId],
    );
    return this.pdfs.render({
      kind: 'audit_report',
      input: {
        contractTitle: view.contract.title,
        wardName: await organization(view.wardOrganizationId),
        auditedName:
          payload.audited?.organizationName ?? (await organization(view.contractorOrganizationId)),
        auditingName:
          payload.auditing?.organizationName ?? (await organization(view.wardOrganizationId)),
        audit: {
          performedOn: audit.performedOn,
          fiscalYear: audit.fiscalYear,
          result: audit.result,
          findings: audit.findings,
          auditors: audit.auditors,
          seq: audit.seq,
          recordedByName: recordedBy?.display_name ?? '',
          recordedAt: audit.recordedAt,
          ofSubcontractor: audit.subcontractorOrganizationId !== null,
        },
        checklist: audit.checklist,
        findings: findings.map((f) => ({
          itemLabel: f.itemLabel,
          correctiveAction: f.correctiveAction,
          dueOn: f.dueOn,
          state: f.state,
          stateNote: f.stateNote,
        })),
        auditHash: entry!.hash,
        generatedAt: this.clock.now(),
        timeZone: this.config.BUSINESS_TIMEZONE,
      },
    });
  }

  /** The contract's audits: content, so need to know (the ward, its auditors, rostered handlers). */
  async list(actor: Actor, contractId: string): Promise<AuditEntity[]> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    return this.dataSource.getRepository(AuditEntity).find({
      where: { contractId },
      order: { performedOn: 'ASC', seq: 'ASC' },
    });
  }

  /**
   * For each contract the caller may see: is an audit required in the year,
   * done, due when (the due date and its business due date; overdue counts
   * from the due date itself). Only the ward's own audits count; those the
   * contractor made of its subcontractors are listed with the contract's audits.
   */
  async status(
    actor: Actor,
    fiscalYear: number | undefined,
  ): Promise<{ fiscalYear: number; items: AuditStatus[] }> {
    const today = this.today();
    const year = fiscalYear ?? fiscalYearOf(today);
    const views = await this.contracts.list(actor);
    const ids = views.map((v) => v.contract.id);
    const audits = views.length
      ? await this.dataSource.getRepository(AuditEntity).find({
          where: { contractId: In(ids), subcontractorOrganizationId: IsNull() },
          order: { performedOn: 'ASC', seq: 'ASC' },
        })
      : [];
    const open = await this.openFindings(ids);
    const items = views.map(({ contract }) => {
      const requirement = auditRequirement(contract, year);
      const own = audits.filter((a) => a.contractId === contract.id);
      const inYear = own.filter((a) => a.fiscalYear === year);
      const done = inYear.length > 0;
      return {
        contractId: contract.id,
        title: contract.title,
        fiscalYear: year,
        required: requirement.required,
        done,
        dueOn: requirement.dueOn,
        businessDueOn: businessDueOn(requirement.dueOn),
        overdue:
          requirement.required && !done && requirement.dueOn !== null && today > requirement.dueOn,
        lastAudit:
          own.filter((a) => a.performedOn <= fiscalYearEndOrToday(year, today)).at(-1) ?? null,
        openFindings: open.get(contract.id) ?? 0,
      };
    });
    return { fiscalYear: year, items };
  }

  /** Findings not yet verified, by contract. */
  private async openFindings(contractIds: string[]): Promise<Map<string, number>> {
    if (contractIds.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(AuditFindingEntity)
      .createQueryBuilder('f')
      .select('f.contract_id', 'contractId')
      .addSelect('COUNT(*)', 'n')
      .where('f.contract_id IN (:...contractIds)', { contractIds })
      .andWhere("f.state <> 'verified'")
      .groupBy('f.contract_id')
      .getRawMany<{ contractId: string; n: number | string }>();
    return new Map(rows.map((r) => [r.contractId, Number(r.n)]));
  }
}

/** The last audit as of the end of the fiscal year asked about (or today, if earlier). */
function fiscalYearEndOrToday(fiscalYear: number, today: string): string {
  const end = `${fiscalYear + 1}-03-31`;
  return end < today ? end : today;
}
