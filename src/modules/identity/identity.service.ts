import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FindOptionsWhere, Repository } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { isUniqueViolation } from '../../common/errors/unique-violation.js';
import { Clock } from '../../common/time/clock.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import type { CreateOrganizationRequest, ListOrganizationsQuery } from './dto/organization.dto.js';
import type { CreateUserRequest, ListUsersQuery } from './dto/user.dto.js';
import { OrganizationEntity } from './entities/organization.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { passwordProblem } from './password.rule.js';
import { type Actor, ROLE_ORGANIZATION_KIND } from './roles.js';

/** Organizations and user accounts: managed by admins only. */
@Injectable()
export class IdentityService {
  constructor(
    @InjectRepository(OrganizationEntity)
    private readonly organizations: Repository<OrganizationEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
  ) {}

  async createOrganization(request: CreateOrganizationRequest): Promise<OrganizationEntity> {
    const name = request.name.trim();
    if (await this.organizations.existsBy({ name })) {
      throw new DomainError('ORGANIZATION_EXISTS', 'An organization with this name exists', {
        name,
      });
    }
    const organization = this.organizations.create({
      id: randomUUID(),
      name,
      kind: request.kind,
      createdAt: this.clock.now(),
    });
    try {
      await this.tx.run((manager) => manager.insert(OrganizationEntity, organization));
      return organization;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('ORGANIZATION_EXISTS', 'An organization with this name exists', {
          name,
        });
      }
      throw error;
    }
  }

  listOrganizations(query: ListOrganizationsQuery): Promise<OrganizationEntity[]> {
    return this.organizations.find({
      where: query.kind ? { kind: query.kind } : {},
      order: { name: 'ASC' },
    });
  }

  async getOrganization(id: string): Promise<OrganizationEntity> {
    const organization = await this.organizations.findOneBy({ id });
    if (!organization) throw new DomainError('ORGANIZATION_NOT_FOUND', 'No such organization');
    return organization;
  }

  async createUser(request: CreateUserRequest): Promise<UserEntity> {
    const organization = await this.organizations.findOneBy({ id: request.organizationId });
    if (!organization) {
      throw new DomainError('INVALID_REFERENCE', 'organizationId names no organization', {
        field: 'organizationId',
      });
    }
    const expectedKind = ROLE_ORGANIZATION_KIND[request.role];
    if (organization.kind !== expectedKind) {
      throw new DomainError(
        'ROLE_ORGANIZATION_MISMATCH',
        `A ${request.role} belongs to a ${expectedKind} organization, not a ${organization.kind}`,
        { role: request.role, organizationKind: organization.kind },
      );
    }
    const problem = passwordProblem(request.password, request.loginId);
    if (problem) {
      throw new DomainError('VALIDATION_FAILED', `password ${problem}`, {
        fields: [{ field: 'password', messages: [`password ${problem}`] }],
      });
    }
    if (await this.users.existsBy({ loginId: request.loginId })) {
      throw new DomainError('LOGIN_ID_TAKEN', 'This login id is taken', {
        loginId: request.loginId,
      });
    }
    const user = this.users.create({
      id: randomUUID(),
      organizationId: organization.id,
      loginId: request.loginId,
      displayName: request.displayName.trim(),
      role: request.role,
      passwordHash: await this.hasher.hash(request.password),
      previousPasswordHashes: [],
      mustChangePassword: true,
      active: true,
      createdAt: this.clock.now(),
    });
    try {
      await this.tx.run((manager) => manager.insert(UserEntity, user));
      return user;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('LOGIN_ID_TAKEN', 'This login id is taken', {
          loginId: request.loginId,
        });
      }
      throw error;
    }
  }

  /**
   * Admins and auditors see every account. A ward officer sees contractor
   * staff only: the people they may name on a roster.
   */
  listUsers(actor: Actor, query: ListUsersQuery): Promise<UserEntity[]> {
    const where: FindOptionsWhere<UserEntity> = {};
    if (query.organizationId) where.organizationId = query.organizationId;
    if (actor.role === 'ward_officer') where.role = 'contractor_staff';
    return this.users.find({ where, order: { loginId: 'ASC' } });
  }
}
