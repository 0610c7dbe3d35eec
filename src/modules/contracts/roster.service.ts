import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { businessDateOf } from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { isUuid } from '../../common/http/validators.js';
import { UserEntity } from '../identity/entities/user.entity.js';
import type { Actor } from '../identity/roles.js';
import {
  type ContractReading,
  contractReadRefusal,
  needsValidRosterEntry,
  roleMayRead,
  rosterableOrganizations,
} from './contract-access.policy.js';
import { checkPeriod } from './contract-terms.rule.js';
import { ContractsService, type ContractView, refuseRead } from './contracts.service.js';
import type { CreateRosterEntryRequest } from './dto/roster.dto.js';
import { RosterEntryEntity } from './entities/roster-entry.entity.js';
import type { RosterEntryAddedPayload, RosterEntryRemovedPayload } from './roster.projector.js';
import { isRosterEntryValidAt, periodsOverlap } from './roster.rule.js';
import { appendTraining, requireTrained } from './training.records.js';

/** The handler roster (名簿) of each contract. */
@Injectable()
export class RosterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
  ) {}

  async add(
    actor: Actor,
    contractId: string,
    request: CreateRosterEntryRequest,
  ): Promise<RosterEntryEntity> {
    const view = await this.contracts.findManageable(actor, contractId);
    const now = this.clock.now();
    const today = businessDateOf(now, this.config.BUSINESS_TIMEZONE);
    const validFrom =
      request.validFrom ?? (view.contract.startsOn > today ? view.contract.startsOn : today);
    const validTo = request.validTo ?? null;
    if (validTo !== null && checkPeriod(validFrom, validTo)) {
      throw new DomainError('INVALID_PERIOD', 'validTo must not be before validFrom', {
        validFrom,
        validTo,
      });
    }

    return this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const user = await this.eligibleUser(manager, view, request.userId);
      const current = await manager.findBy(RosterEntryEntity, {
        contractId,
        userId: user.id,
        role: request.role,
        removedAt: IsNull(),
      });
      const clash = current.find((entry) => periodsOverlap(entry, { validFrom, validTo }));
      if (clash) {
        throw new DomainError(
          'ROSTER_ENTRY_EXISTS',
          'The user is already named in this role for an overlapping period',
          { entryId: clash.id },
        );
      }
      const payload: RosterEntryAddedPayload = {
        entryId: randomUUID(),
        userId: user.id,
        displayName: user.displayName,
        organizationId: user.organizationId,
        role: request.role,
        validFrom,
        validTo,
      };
      if (request.training) {
        await appendTraining(chain, user, request.training, today, now, 'training.trainedOn');
      }
      await requireTrained(manager, view.contract, user.id, validFrom);
      await chain.append({ type: 'roster_entry_added', occurredAt: now, payload: { ...payload } });
      const entry = await manager.findOneByOrFail(RosterEntryEntity, { id: payload.entryId });
      entry.user = user;
      return entry;
    });
  }

  /**
   * A user who may be named on the contract's roster or trained for it: an
   * active contractor_staff user of the contractor or an approved
   * subcontractor, by id or login id (422 ROSTER_USER_NOT_ELIGIBLE).
   */
  async eligibleUser(
    manager: EntityManager,
    view: ContractView,
    userId: string,
  ): Promise<UserEntity> {
    const user = await manager.findOneBy(
      UserEntity,
      isUuid(userId) ? { id: userId.toLowerCase() } : { loginId: userId },
    );
    if (
      !user ||
      !user.active ||
      user.role !== 'contractor_staff' ||
      !rosterableOrganizations(view).includes(user.organizationId)
    ) {
      throw new DomainError(
        'ROSTER_USER_NOT_ELIGIBLE',
        'Only contractor staff of the contractor or an approved subcontractor can be named',
        { userId },
      );
    }
    return user;
  }

  /**
   * The contract, if the caller may read its roster or content (need to
   * know): its ward's officers and auditors, and contractor staff of a party
   * while a roster entry names them today (validFrom ≤ today ≤ validTo in
   * BUSINESS_TIMEZONE, not withdrawn). Admins get 403 FORBIDDEN_ROLE for
   * content, strangers 404, contractor staff of a party without a valid
   * entry (none, expired, not started, withdrawn) 403 NOT_ROSTERED. The
   * decision is contract-access.policy's.
   */
  async findReadableNeedToKnow(
    actor: Actor,
    contractId: string,
    reading: Exclude<ContractReading, 'metadata'> = 'content',
  ): Promise<ContractView> {
    const view = await this.contracts.findReadableFor(actor, contractId, reading);
    const named =
      needsValidRosterEntry(actor.role, reading) &&
      (await this.isRosteredAt(
        this.dataSource.manager,
        contractId,
        actor.userId,
        this.clock.now(),
      ));
    const refusal = contractReadRefusal(actor, view, reading, named);
    if (refusal) refuseRead(refusal, actor, contractId);
    return view;
  }

  /**
   * Every contract whose roster or content the caller may read: the
   * contracts {@link ContractsService.list} lets them know of, narrowed by the
   * decision {@link findReadableNeedToKnow} takes for one (contractor staff
   * keep those a roster entry names them on today), the roster asked once for
   * all of them. None for a role that may not read it (admins: content).
   */
  async listReadableNeedToKnow(
    actor: Actor,
    reading: Exclude<ContractReading, 'metadata'> = 'content',
  ): Promise<ContractView[]> {
    if (!roleMayRead(actor.role, reading)) return [];
    const views = await this.contracts.list(actor);
    const named = needsValidRosterEntry(actor.role, reading)
      ? await this.rosteredContractIds(this.dataSource.manager, actor.userId, this.clock.now())
      : new Set<string>();
    return views.filter(
      (view) => contractReadRefusal(actor, view, reading, named.has(view.contract.id)) === null,
    );
  }

  /** Every entry, withdrawn ones included: the roster's history. */
  async list(actor: Actor, contractId: string): Promise<RosterEntryEntity[]> {
    await this.findReadableNeedToKnow(actor, contractId, 'roster');
    return this.dataSource.getRepository(RosterEntryEntity).find({
      where: { contractId },
      relations: { user: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Withdraws an entry. It stays in the history with the time it ended. */
  async remove(actor: Actor, contractId: string, entryId: string): Promise<RosterEntryEntity> {
    await this.contracts.findManageable(actor, contractId);
    return this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const entry = await manager.findOne(RosterEntryEntity, {
        where: { id: entryId, contractId, removedAt: IsNull() },
        relations: { user: true },
      });
      if (!entry) {
        throw new DomainError('ROSTER_ENTRY_NOT_FOUND', 'No such current roster entry', {
          entryId,
        });
      }
      const payload: RosterEntryRemovedPayload = { entryId: entry.id, userId: entry.userId };
      await chain.append({
        type: 'roster_entry_removed',
        occurredAt: this.clock.now(),
        payload: { ...payload },
      });
      const removed = await manager.findOneByOrFail(RosterEntryEntity, { id: entry.id });
      removed.user = entry.user;
      return removed;
    });
  }

  /** Whether the user is named on the contract's roster at `instant` (any role, or the one given). */
  async isRosteredAt(
    manager: EntityManager,
    contractId: string,
    userId: string,
    instant: Date,
    role?: RosterEntryEntity['role'],
  ): Promise<boolean> {
    const rows = await new Sql(manager).all<RosterValidityRow>(
      'SELECT contract_id, role, valid_from, valid_to, removed_at FROM roster_entries WHERE contract_id = ? AND user_id = ?',
      [contractId, userId],
    );
    return rows.some((row) => (!role || row.role === role) && this.validAt(row, instant));
  }

  /** The contracts whose roster names the user at `instant`, in any role. */
  async rosteredContractIds(
    manager: EntityManager,
    userId: string,
    instant: Date,
  ): Promise<Set<string>> {
    const rows = await new Sql(manager).all<RosterValidityRow>(
      'SELECT contract_id, role, valid_from, valid_to, removed_at FROM roster_entries WHERE user_id = ?',
      [userId],
    );
    return new Set(rows.filter((row) => this.validAt(row, instant)).map((row) => row.contract_id));
  }

  private validAt(row: RosterValidityRow, instant: Date): boolean {
    return isRosterEntryValidAt(
      {
        validFrom: row.valid_from,
        validTo: row.valid_to,
        removedAt: row.removed_at === null ? null : new Date(row.removed_at),
      },
      instant,
      businessDateOf(instant, this.config.BUSINESS_TIMEZONE),
    );
  }
}

interface RosterValidityRow {
  contract_id: string;
  role: string;
  valid_from: string;
  valid_to: string | null;
  removed_at: string | null;
}
