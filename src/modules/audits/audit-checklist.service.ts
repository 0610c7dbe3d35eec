import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { refuse } from '../../common/errors/domain-error.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { ContractsService } from '../contracts/contracts.service.js';
import { RosterService } from '../contracts/roster.service.js';
import type { Actor } from '../identity/roles.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { AuditChecklistSetPayload } from './audits.projector.js';
import { defaultChecklist } from './checklist/default-checklist.js';
import { type Checklist, checklistRefusal } from './checklist.rule.js';
import type { PutChecklistRequest } from './dto/audit.dto.js';
import { ChecklistResponse } from './dto/audit.dto.js';
import { AuditChecklistEntity } from './entities/audit-checklist.entity.js';

/** A checklist and its version: 0 for seed 000's default, then as the ward set it. */
export interface ChecklistInForce extends Checklist {
  version: number;
}

/**
 * The audit checklist of a contract: seed 000's contractor checklist until
 * the ward copies it to the contract and edits it (each change a ledger
 * entry `audit_checklist_set` with the whole list and its version), so that
 * every audit names the version it was answered on.
 */
@Injectable()
export class AuditChecklistService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
  ) {}

  /** Content: the ward, its auditors and the rostered handlers of the parties. */
  async get(actor: Actor, contractId: string): Promise<ChecklistResponse> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    const row = await this.dataSource.getRepository(AuditChecklistEntity).findOneBy({ contractId });
    return ChecklistResponse.from(contractId, row, defaultChecklist());
  }

  /** A ward officer of the contract's ward sets the checklist; the next audits answer it. */
  async put(
    actor: Actor,
    contractId: string,
    request: PutChecklistRequest,
  ): Promise<ChecklistResponse> {
    await this.contracts.findManageable(actor, contractId);
    const checklist: Checklist = {
      title: request.title.trim(),
      sections: request.sections.map((s) => ({
        key: s.key,
        title: s.title.trim(),
        items: s.items.map((i) => ({ id: i.id, number: i.number, text: i.text.trim() })),
      })),
    };
    refuse(checklistRefusal(checklist));
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const current = await this.inForce(manager, contractId);
      const payload: AuditChecklistSetPayload = { version: current.version + 1, ...checklist };
      await chain.append({
        type: 'audit_checklist_set',
        occurredAt: chain.openedAt,
        payload: { ...payload },
      });
    });
    const row = await this.dataSource.getRepository(AuditChecklistEntity).findOneBy({ contractId });
    return ChecklistResponse.from(contractId, row, defaultChecklist());
  }

  /** The checklist an audit recorded now answers (read under the caller's chain lock). */
  async inForce(manager: EntityManager, contractId: string): Promise<ChecklistInForce> {
    const row = await manager.findOneBy(AuditChecklistEntity, { contractId });
    if (row) return { version: row.version, title: row.title, sections: row.sections };
    return { version: 0, ...defaultChecklist() };
  }
}
