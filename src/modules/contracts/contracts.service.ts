import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type Repository } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { OrganizationEntity } from '../identity/entities/organization.entity.js';
import type { Actor } from '../identity/roles.js';
import {
  canManageContract,
  canReadContract,
  type ContractParties,
} from './contract-access.policy.js';
import {
  checkPeriod,
  DEFAULT_MIN_SEPARATION_MINUTES,
  DEFAULT_REMINDER_LEAD_DAYS,
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
          handoverPolicy: { minSeparationMinutes: contract.minSeparationMinutes },
          auditPolicy: { reminderLeadDays: contract.reminderLeadDays },
        },
      });
    });
    return this.view(contract, subcontractorIds);
  }

  /** The contracts the caller belongs to (all of them for auditors and admins). */
  async list(actor: Actor): Promise<ContractView[]> {
    const query = this.contracts
      .createQueryBuilder('c')
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'ASC');
    if (actor.role === 'ward_officer') {
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

  /** The contract if the caller may read it; otherwise 404, as if it did not exist. */
  async findReadable(actor: Actor, contractId: string): Promise<ContractView> {
    const contract = await this.contracts.findOneBy({ id: contractId });
    if (contract) {
      const subs = await this.subcontractors.findBy({ contractId });
      const view = this.view(
        contract,
        subs.map((s) => s.organizationId),
      );
      if (canReadContract(actor, view)) return view;
    }
    throw new DomainError('CONTRACT_NOT_FOUND', 'No such contract', { contractId });
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
