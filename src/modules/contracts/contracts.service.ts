import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type Repository } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { bool, Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { OrganizationEntity } from '../identity/entities/organization.entity.js';
import type { Actor } from '../identity/roles.js';
import {
  canManageContract,
  type ContractParties,
  type ContractReading,
  type ContractReadRefusal,
  contractReadRefusal,
  roleMayRead,
} from './contract-access.policy.js';
import {
  checkPeriod,
  DEFAULT_MIN_SEPARATION_MINUTES,
  DEFAULT_REMINDER_LEAD_DAYS,
  DEFAULT_TRAINING_VALID_MONTHS,
  handlingPolicyOf,
  normalizeLeadDays,
} from './contract-terms.rule.js';
import type { CreateContractRequest } from './dto/contract.dto.js';
import { ContractSubcontractorEntity } from './entities/contract-subcontractor.entity.js';
import { ContractEntity } from './entities/contract.entity.js';

/** A contract with the organizations that take part in it. */
export interface ContractView extends ContractParties {
  contract: ContractEntity;
}

/**
 * Contracts (業務委託) and who may see them. Every read goes through
 * {@link findReadable}, which answers 404 for a contract of another tenant.
 */
@Injectable()
export class ContractsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ContractEntity) private readonly contracts: Repository<ContractEntity>,
    @InjectRepository(ContractSubcontractorEntity)
    private readonly subcontractors: Repository<ContractSubcontractorEntity>,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
  ) {}

  async create(actor: Actor, request: CreateContractRequest): Promise<ContractView> {
    const subcontractorIds = request.subcontractorOrganizationIds ?? [];
    if (subcontractorIds.includes(request.contractorOrganizationId)) {
      throw new DomainError(
        'INVALID_REFERENCE',
        'The contractor cannot also be its own subcontractor',
        { field: 'subcontractorOrganizationIds' },
      );
    }
    if (checkPeriod(request.startsOn, request.endsOn)) {
      throw new DomainError('INVALID_PERIOD', 'endsOn must not be before startsOn', {
        startsOn: request.startsOn,
        endsOn: request.endsOn,
      });
    }
    await this.requireContractorOrganizations(
      [request.contractorOrganizationId],
      'contractorOrganizationId',
    );
    await this.requireContractorOrganizations(subcontractorIds, 'subcontractorOrganizationIds');

    const now = this.clock.now();
    const contract = this.contracts.create({
      id: randomUUID(),
      title: request.title.trim(),
      wardOrganizationId: actor.organizationId,
      contractorOrganizationId: request.contractorOrganizationId,
      startsOn: request.startsOn,
      endsOn: request.endsOn,
      dataItems: request.dataItems.map((item) => item.trim()),
      subjectCount: request.subjectCount,
      minSeparationMinutes:
        request.handoverPolicy?.minSeparationMinutes ?? DEFAULT_MIN_SEPARATION_MINUTES,
      requireTakeoutApproval: request.handoverPolicy?.requireTakeoutApproval ?? true,
      requireTraining: request.handlingPolicy?.requireTraining ?? true,
      trainingValidMonths:
        request.handlingPolicy?.trainingValidMonths ?? DEFAULT_TRAINING_VALID_MONTHS,
      requireEmergencyPlan: request.handlingPolicy?.requireEmergencyPlan ?? true,
      reminderLeadDays: normalizeLeadDays(
        request.auditPolicy?.reminderLeadDays ?? DEFAULT_REMINDER_LEAD_DAYS,
      ),
      status: 'active',
      createdByUserId: actor.userId,
      createdAt: now,
    });
    await this.tx.run(async (manager) => {
      await manager.insert(ContractEntity, contract);
      for (const organizationId of subcontractorIds) {
        await manager.insert(ContractSubcontractorEntity, {
          contractId: contract.id,
          organizationId,
          approvedAt: now,
        });
      }
      // Entry 1 of the contract's ledger: its terms as registered.
      const chain = await this.ledger.open(manager, contract.id, actor);
      await chain.append({
        type: 'contract_registered',
        occurredAt: now,
        payload: {
          contractId: contract.id,
          title: contract.title,
          wardOrganizationId: contract.wardOrganizationId,
          contractorOrganizationId: contract.contractorOrganizationId,
          subcontractorOrganizationIds: [...subcontractorIds].sort(),
          startsOn: contract.startsOn,
          endsOn: contract.endsOn,
          dataItems: contract.dataItems,
          subjectCount: contract.subjectCount,
          handoverPolicy: {
            minSeparationMinutes: contract.minSeparationMinutes,
            requireTakeoutApproval: contract.requireTakeoutApproval,
          },
          auditPolicy: { reminderLeadDays: contract.reminderLeadDays },
          handlingPolicy: handlingPolicyOf(contract),
        },
      });
    });
    return this.view(contract, subcontractorIds);
  }

  /**
   * The contracts the caller may know of: their ward's for ward officers and
   * auditors, those their organization takes part in for contractor staff,
   * every one for admins (metadata only).
   */
  async list(actor: Actor): Promise<ContractView[]> {
    const query = this.contracts
      .createQueryBuilder('c')
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'ASC');
    if (actor.role === 'ward_officer' || actor.role === 'auditor') {
      query.where('c.ward_organization_id = :org', { org: actor.organizationId });
    } else if (actor.role === 'contractor_staff') {
      query.where(
        `(c.contractor_organization_id = :org OR c.id IN (SELECT s.contract_id FROM contract_subcontractors s WHERE s.organization_id = :org))`,
        { org: actor.organizationId },
      );
    }
    const contracts = await query.getMany();
    const subs = contracts.length
      ? await this.subcontractors.findBy({ contractId: In(contracts.map((c) => c.id)) })
      : [];
    return contracts.map((contract) =>
      this.view(
        contract,
        subs.filter((s) => s.contractId === contract.id).map((s) => s.organizationId),
      ),
    );
  }

  /**
   * The contract if the caller may know of it (its metadata); otherwise 404,
   * as if it did not exist. Every request about a contract starts here or at
   * {@link findReadableFor}, so it is plain SQL.
   */
  findReadable(actor: Actor, contractId: string): Promise<ContractView> {
    return this.findReadableFor(actor, contractId, 'metadata');
  }

  /**
   * The contract if the caller's role may read `reading` (403 FORBIDDEN_ROLE
   * before any lookup, so it tells nothing about the contract) and the
   * contract is theirs to know of (404 otherwise). For `roster` and `content`
   * the need-to-know check of contractor staff follows in
   * RosterService.findReadableNeedToKnow, which is what callers use.
   */
  async findReadableFor(
    actor: Actor,
    contractId: string,
    reading: ContractReading,
  ): Promise<ContractView> {
    if (!roleMayRead(actor.role, reading)) refuseRead('FORBIDDEN_ROLE', actor, contractId);
    const view = await this.load(contractId);
    // The roster is not this service's to ask: pass "named", and let the roster service decide.
    const refusal = contractReadRefusal(actor, view, reading, true);
    if (refusal || !view) refuseRead(refusal ?? 'CONTRACT_NOT_FOUND', actor, contractId);
    return view;
  }

  private async load(contractId: string): Promise<ContractView | null> {
    // One statement, a row per subcontractor: every contract-scoped request
    // reads this before anything else.
    const rows = await new Sql(this.contracts.manager).all<
      ContractRow & { subcontractor_id: string | null }
    >(LOAD_CONTRACT, [contractId]);
    if (rows.length === 0) return null;
    return this.view(
      contractFromRow(rows[0]!),
      rows.flatMap((r) => (r.subcontractor_id === null ? [] : [r.subcontractor_id])),
    );
  }

  /** The contract if the caller may change it (a ward officer of its ward). */
  async findManageable(actor: Actor, contractId: string): Promise<ContractView> {
    const view = await this.findReadable(actor, contractId);
    if (!canManageContract(actor, view)) {
      throw new DomainError(
        'NOT_CONTRACT_WARD',
        'Only a ward officer of the contract’s ward may change it',
        { contractId },
      );
    }
    return view;
  }

  private view(contract: ContractEntity, subcontractorOrganizationIds: string[]): ContractView {
    return {
      contract,
      wardOrganizationId: contract.wardOrganizationId,
      contractorOrganizationId: contract.contractorOrganizationId,
      subcontractorOrganizationIds,
    };
  }

  private async requireContractorOrganizations(ids: string[], field: string): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.dataSource
      .getRepository(OrganizationEntity)
      .findBy({ id: In(ids), kind: 'contractor' });
    const missing = ids.filter((id) => !found.some((o) => o.id === id));
    if (missing.length > 0) {
      throw new DomainError('INVALID_REFERENCE', `${field} must name contractor organizations`, {
        field,
        unknownIds: missing,
      });
    }
  }
}

/** Throws the refusal of a read as the API answers it. */
export function refuseRead(code: ContractReadRefusal, actor: Actor, contractId: string): never {
  switch (code) {
    case 'FORBIDDEN_ROLE':
      // Like the route guard's refusal: about the role, never about the contract.
      throw new DomainError(
        'FORBIDDEN_ROLE',
        'Administrators manage organizations and accounts and read no contract content',
        { role: actor.role },
      );
    case 'CONTRACT_NOT_FOUND':
      throw new DomainError('CONTRACT_NOT_FOUND', 'No such contract', { contractId });
    case 'NOT_ROSTERED':
      throw new DomainError(
        'NOT_ROSTERED',
        'Only handlers named on the contract’s roster today see its custody records',
        { userId: actor.userId },
      );
  }
}

/** The columns of {@link ContractRow}, named (not `*`): the text is then a prepared statement on PostgreSQL. */
const CONTRACT_COLUMNS =
  'id, title, ward_organization_id, contractor_organization_id, starts_on, ends_on, data_items, subject_count, min_separation_minutes, require_takeout_approval, require_training, training_valid_months, require_emergency_plan, reminder_lead_days, status, created_by_user_id, created_at';

/** A contract with its subcontractors (none: one row with a null id), in their id order. */
const LOAD_CONTRACT = `SELECT ${Sql.qualified('c', CONTRACT_COLUMNS)}, s.organization_id AS subcontractor_id
  FROM contracts c LEFT JOIN contract_subcontractors s ON s.contract_id = c.id
  WHERE c.id = ? ORDER BY s.organization_id`;

interface ContractRow {
  id: string;
  title: string;
  ward_organization_id: string;
  contractor_organization_id: string;
  starts_on: string;
  ends_on: string;
  data_items: string;
  subject_count: number;
  min_separation_minutes: number;
  require_takeout_approval: boolean | number;
  require_training: boolean | number;
  training_valid_months: number;
  require_emergency_plan: boolean | number;
  reminder_lead_days: string;
  status: ContractEntity['status'];
  created_by_user_id: string;
  created_at: string;
}

function contractFromRow(row: ContractRow): ContractEntity {
  return Object.assign(new ContractEntity(), {
    id: row.id,
    title: row.title,
    wardOrganizationId: row.ward_organization_id,
    contractorOrganizationId: row.contractor_organization_id,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    dataItems: JSON.parse(row.data_items) as string[],
    subjectCount: Number(row.subject_count),
    minSeparationMinutes: Number(row.min_separation_minutes),
    requireTakeoutApproval:
      row.require_takeout_approval === true || Number(row.require_takeout_approval) === 1,
    requireTraining: bool(row.require_training),
    trainingValidMonths: Number(row.training_valid_months),
    requireEmergencyPlan: bool(row.require_emergency_plan),
    reminderLeadDays: JSON.parse(row.reminder_lead_days) as number[],
    status: row.status,
    createdByUserId: row.created_by_user_id,
    createdAt: new Date(row.created_at),
  });
}
