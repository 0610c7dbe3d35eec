import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { isUniqueViolation } from '../../common/errors/unique-violation.js';
import { noteAccountEvent } from '../../common/http/request-scope.js';
import { Clock } from '../../common/time/clock.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import type {
  CreateOrganizationRequest,
  ListOrganizationsQuery,
  UpdateOrganizationRequest,
} from './dto/organization.dto.js';
import type { CreateUserRequest, ListUsersQuery, MailSettingsRequest } from './dto/user.dto.js';
import { OrganizationEntity } from './entities/organization.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { organizationsVisibleTo, isOrganizationVisibleTo } from './organization-scope.js';
import { passwordRefusal } from './password.rule.js';
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
      documentAddressee: request.documentAddressee?.trim() || null,
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

  /**
   * Names and kinds. Admins: every organization. Ward officers and auditors:
   * their ward and the organizations on its contracts (organization-scope.rule).
   */
  async listOrganizations(
    actor: Actor,
    query: ListOrganizationsQuery,
  ): Promise<OrganizationEntity[]> {
    const visible = await organizationsVisibleTo(this.organizations.manager, actor);
    if (visible !== 'all' && visible.length === 0) return [];
    return this.organizations.find({
      where: {
        ...(query.kind ? { kind: query.kind } : {}),
        ...(visible === 'all' ? {} : { id: In(visible) }),
      },
      order: { name: 'ASC' },
    });
  }

  /** One organization, if the caller's scope covers it; 404 otherwise, as if it did not exist. */
  /** An admin changes an organization's settings (its documents' addressee). */
  async updateOrganization(
    id: string,
    request: UpdateOrganizationRequest,
  ): Promise<OrganizationEntity> {
    const organization = await this.organizations.findOneBy({ id });
    if (!organization) {
      throw new DomainError('ORGANIZATION_NOT_FOUND', 'No such organization', {
        organizationId: id,
      });
    }
    if (request.documentAddressee !== undefined) {
      organization.documentAddressee = request.documentAddressee.trim() || null;
    }
    await this.tx.run((manager) =>
      manager.update(
        OrganizationEntity,
        { id },
        { documentAddressee: organization.documentAddressee },
      ),
    );
    return organization;
  }

  async getOrganization(actor: Actor, id: string): Promise<OrganizationEntity> {
    const organization = (await isOrganizationVisibleTo(this.organizations.manager, actor, id))
      ? await this.organizations.findOneBy({ id })
      : null;
    if (!organization) {
      throw new DomainError('ORGANIZATION_NOT_FOUND', 'No such organization', {
        organizationId: id,
      });
    }
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
    const refused = passwordRefusal(request.password, request.loginId);
    if (refused) {
      const message = `password ${refused.problem}`;
      throw new DomainError('VALIDATION_FAILED', message, {
        fields: [{ field: 'password', messages: [message], reason: refused.reason }],
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
      email: request.email?.trim() || null,
      mailMode: 'immediate',
      createdAt: this.clock.now(),
    });
    noteAccountEvent('user.created', {
      subject: {
        userId: user.id,
        organizationId: user.organizationId,
        role: user.role,
        loginId: user.loginId,
      },
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
   * A user's own e-mail settings: the address (`""` removes it) and how
   * notifications are mailed. Only what the request names changes.
   */
  async setMailSettings(actor: Actor, request: MailSettingsRequest): Promise<UserEntity> {
    const user = await this.users.findOneByOrFail({ id: actor.userId });
    const change: Partial<Pick<UserEntity, 'email' | 'mailMode'>> = {};
    if (request.email !== undefined) change.email = request.email.trim() || null;
    if (request.mailMode !== undefined) change.mailMode = request.mailMode;
    if (Object.keys(change).length > 0) {
      await this.tx.run((manager) => manager.update(UserEntity, { id: user.id }, change));
    }
    return Object.assign(user, change);
  }

  /**
   * Accounts, filtered. Admins see every account; ward officers and auditors
   * those of their ward and of the organizations on its contracts
   * (organization-scope.rule), so a ward officer finds the staff to name on a
   * roster and nobody else's.
   */
  async listUsers(actor: Actor, query: ListUsersQuery): Promise<UserEntity[]> {
    const visible = await organizationsVisibleTo(this.users.manager, actor);
    if (visible !== 'all' && visible.length === 0) return [];
    const q = this.users
      .createQueryBuilder('u')
      .orderBy('u.login_id', 'ASC')
      .addOrderBy('u.id', 'ASC');
    if (visible !== 'all') q.andWhere('u.organization_id IN (:...visible)', { visible });
    if (query.organizationId) q.andWhere('u.organization_id = :org', { org: query.organizationId });
    if (query.role) q.andWhere('u.role = :role', { role: query.role });
    // A literal, not a parameter: SQLite binds no booleans, and both databases know TRUE/FALSE.
    if (query.active !== undefined) q.andWhere(`u.active = ${query.active ? 'TRUE' : 'FALSE'}`);
    if (query.q) {
      const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q.andWhere(
        "(LOWER(u.login_id) LIKE :pattern ESCAPE '\\' OR LOWER(u.display_name) LIKE :pattern ESCAPE '\\')",
        { pattern },
      );
    }
    return q.getMany();
  }
}
