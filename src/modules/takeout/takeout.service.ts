import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { ContractsService, type ContractView } from '../contracts/contracts.service.js';
import type { Actor } from '../identity/roles.js';
import { type LedgerChain, LedgerService } from '../ledger/ledger.service.js';
import type {
  CreateTakeoutRequest,
  RejectTakeoutRequest,
  TakeoutListQuery,
} from './dto/takeout.dto.js';
import { TakeoutRequestEntity } from './entities/takeout-request.entity.js';
import type {
  PersonRef,
  TakeoutApprovedPayload,
  TakeoutRejectedPayload,
  TakeoutRequestedPayload,
  TakeoutWithdrawnPayload,
} from './takeout.projector.js';
import { takeoutRecord } from './takeout.queries.js';
import {
  approvalValidUntil,
  decisionRefusal,
  type TakeoutRefusal,
  withdrawalRefusal,
} from './takeout.rule.js';

/**
 * Take-out requests (持出し申請) of a contract: applied for by a ward officer
 * of its ward, approved or rejected by an approver (所属長) of that ward who
 * is not the applicant, withdrawn by the applicant. Each step is a ledger
 * entry appended under the contract's chain lock, with the projection.
 */
@Injectable()
export class TakeoutService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly contracts: ContractsService,
    private readonly config: AppConfig,
  ) {}

  async create(
    actor: Actor,
    contractId: string,
    request: CreateTakeoutRequest,
  ): Promise<TakeoutRequestEntity> {
    const view = await this.contracts.findManageable(actor, contractId);
    const dataItems = request.dataItems.map((item) => item.trim());
    const unknown = dataItems.filter((item) => !view.contract.dataItems.includes(item));
    if (unknown.length > 0) {
      throw new DomainError('UNKNOWN_DATA_ITEM', 'dataItems must be data items of the contract', {
        unknown,
        dataItems: view.contract.dataItems,
      });
    }
    const id = randomUUID();
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const payload: TakeoutRequestedPayload = {
        takeoutRequestId: id,
        applicant: await this.person(manager, actor.userId),
        dataItems,
        recordCount: request.recordCount,
        mediaKinds: [...request.mediaKinds].sort(),
        mediaCount: request.mediaCount,
        purpose: request.purpose,
        plannedOn: request.plannedOn,
        terminalId: request.terminalId.trim(),
        note: request.note?.trim() ?? null,
      };
      await chain.append({
        type: 'takeout_requested',
        occurredAt: new Date(chain.openedAt),
        payload: { ...payload },
      });
    });
    return this.find(contractId, id);
  }

  async approve(
    actor: Actor,
    contractId: string,
    requestId: string,
  ): Promise<TakeoutRequestEntity> {
    const view = await this.requireApprover(actor, contractId);
    await this.decide(actor, view, requestId, async (chain, manager, at) => {
      const payload: TakeoutApprovedPayload = {
        takeoutRequestId: requestId,
        approver: await this.person(manager, actor.userId),
        validUntil: approvalValidUntil(at, this.config.TAKEOUT_VALID_DAYS).toISOString(),
      };
      await chain.append({ type: 'takeout_approved', occurredAt: at, payload: { ...payload } });
    });
    return this.find(contractId, requestId);
  }

  async reject(
    actor: Actor,
    contractId: string,
    requestId: string,
    request: RejectTakeoutRequest,
  ): Promise<TakeoutRequestEntity> {
    const view = await this.requireApprover(actor, contractId);
    await this.decide(actor, view, requestId, async (chain, manager, at) => {
      const payload: TakeoutRejectedPayload = {
        takeoutRequestId: requestId,
        approver: await this.person(manager, actor.userId),
        reason: request.reason.trim(),
      };
      await chain.append({ type: 'takeout_rejected', occurredAt: at, payload: { ...payload } });
    });
    return this.find(contractId, requestId);
  }

  async withdraw(
    actor: Actor,
    contractId: string,
    requestId: string,
  ): Promise<TakeoutRequestEntity> {
    await this.contracts.findManageable(actor, contractId);
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const record = await this.record(manager, contractId, requestId);
      refuse(withdrawalRefusal(record, actor.userId));
      const payload: TakeoutWithdrawnPayload = { takeoutRequestId: requestId };
      await chain.append({
        type: 'takeout_withdrawn',
        occurredAt: new Date(chain.openedAt),
        payload: { ...payload },
      });
    });
    return this.find(contractId, requestId);
  }

  /** The contract's requests, newest first: for the ward's officers and auditors. */
  async list(
    actor: Actor,
    contractId: string,
    query: TakeoutListQuery,
  ): Promise<TakeoutRequestEntity[]> {
    await this.requireWardReader(actor, contractId);
    return this.dataSource.getRepository(TakeoutRequestEntity).find({
      where: { contractId, ...(query.status ? { status: query.status } : {}) },
      order: { requestedSeq: 'DESC' },
    });
  }

  async get(actor: Actor, contractId: string, requestId: string): Promise<TakeoutRequestEntity> {
    await this.requireWardReader(actor, contractId);
    return this.find(contractId, requestId);
  }

  private async decide(
    actor: Actor,
    view: ContractView,
    requestId: string,
    append: (chain: LedgerChain, manager: EntityManager, at: Date) => Promise<void>,
  ): Promise<void> {
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, view.contract.id, actor);
      // Read again under the lock: an admin may have just withdrawn the mark.
      await this.requireApproverMark(manager, actor, view.contract.id);
      const record = await this.record(manager, view.contract.id, requestId);
      refuse(decisionRefusal(record, actor.userId));
      await append(chain, manager, new Date(chain.openedAt));
    });
  }

  /** A ward officer of the contract's ward who is marked as an approver (所属長). */
  private async requireApprover(actor: Actor, contractId: string): Promise<ContractView> {
    const view = await this.contracts.findManageable(actor, contractId);
    await this.requireApproverMark(this.dataSource.manager, actor, contractId);
    return view;
  }

  private async requireApproverMark(
    manager: EntityManager,
    actor: Actor,
    contractId: string,
  ): Promise<void> {
    const row = await new Sql(manager).one<{ is_approver: boolean | number }>(
      'SELECT is_approver FROM users WHERE id = ?',
      [actor.userId],
    );
    if (!row || !(row.is_approver === true || Number(row.is_approver) === 1)) {
      throw new DomainError(
        'NOT_APPROVER',
        'Only an approver (所属長) of the contract’s ward may decide on a take-out request',
        { contractId },
      );
    }
  }

  /** Ward officers and auditors of the contract's ward; others never learn of its requests. */
  private async requireWardReader(actor: Actor, contractId: string): Promise<void> {
    const view = await this.contracts.findReadable(actor, contractId);
    const ward =
      (actor.role === 'ward_officer' || actor.role === 'auditor') &&
      actor.organizationId === view.wardOrganizationId;
    if (!ward) {
      throw new DomainError(
        'NOT_CONTRACT_WARD',
        'Take-out requests are read by the contract’s ward only',
        { contractId },
      );
    }
  }

  private async record(manager: EntityManager, contractId: string, requestId: string) {
    const record = await takeoutRecord(new Sql(manager), contractId, requestId);
    if (!record) throw notFound(requestId);
    return record;
  }

  private async find(contractId: string, requestId: string): Promise<TakeoutRequestEntity> {
    const row = await this.dataSource
      .getRepository(TakeoutRequestEntity)
      .findOneBy({ id: requestId, contractId });
    if (!row) throw notFound(requestId);
    return row;
  }

  private async person(manager: EntityManager, userId: string): Promise<PersonRef> {
    const row = await new Sql(manager).one<{ display_name: string }>(
      'SELECT display_name FROM users WHERE id = ?',
      [userId],
    );
    return { userId, displayName: row?.display_name ?? '' };
  }
}

function notFound(takeoutRequestId: string): DomainError {
  return new DomainError('TAKEOUT_REQUEST_NOT_FOUND', 'No such take-out request on this contract', {
    takeoutRequestId,
  });
}

/** Throws the refusal a rule gave, if any. */
export function refuse(refusal: TakeoutRefusal | null): void {
  if (refusal) throw new DomainError(refusal.code, refusal.message, refusal.details);
}
