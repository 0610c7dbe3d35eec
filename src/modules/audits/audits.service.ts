import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { businessDateOf } from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { ContractsService } from '../contracts/contracts.service.js';
import { RosterService } from '../contracts/roster.service.js';
import type { Actor } from '../identity/roles.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { AuditRecordedPayload } from './audits.projector.js';
import type { RecordAuditRequest } from './dto/audit.dto.js';
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
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  private today(): string {
    return businessDateOf(this.clock.now(), this.config.BUSINESS_TIMEZONE);
  }

  /** A ward officer of the contract's ward records an audit; a closed contract still takes one. */
  async record(actor: Actor, contractId: string, request: RecordAuditRequest) {
    const view = await this.contracts.findManageable(actor, contractId);
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
    if (request.result !== 'satisfactory' && !request.findings) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'findings are required unless the result is satisfactory',
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
    return this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor, { allowClosed: true });
      const payload: AuditRecordedPayload = {
        auditId: randomUUID(),
        performedOn: request.performedOn,
        fiscalYear: fiscalYearOf(request.performedOn),
        result: request.result,
        findings: request.findings?.trim() ?? null,
        auditors: request.auditors.map((a) => a.trim()),
      };
      const entry = await chain.append({
        type: 'audit_recorded',
        occurredAt: chain.openedAt,
        payload: { ...payload },
      });
      return { id: payload.auditId, seq: entry.seq, hash: entry.hash };
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
   * from the due date itself).
   */
  async status(
    actor: Actor,
    fiscalYear: number | undefined,
  ): Promise<{ fiscalYear: number; items: AuditStatus[] }> {
    const today = this.today();
    const year = fiscalYear ?? fiscalYearOf(today);
    const views = await this.contracts.list(actor);
    const audits = views.length
      ? await this.dataSource.getRepository(AuditEntity).find({
          where: { contractId: In(views.map((v) => v.contract.id)) },
          order: { performedOn: 'ASC', seq: 'ASC' },
        })
      : [];
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
      };
    });
    return { fiscalYear: year, items };
  }
}

/** The last audit as of the end of the fiscal year asked about (or today, if earlier). */
function fiscalYearEndOrToday(fiscalYear: number, today: string): string {
  const end = `${fiscalYear + 1}-03-31`;
  return end < today ? end : today;
}
