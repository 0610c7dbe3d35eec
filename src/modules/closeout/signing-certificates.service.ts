import { randomUUID, X509Certificate } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { isUniqueViolation } from '../../common/errors/unique-violation.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { OrganizationCertificateEntity } from '../identity/entities/organization-certificate.entity.js';
import { OrganizationEntity } from '../identity/entities/organization.entity.js';
import { isOrganizationVisibleTo } from '../identity/organization-scope.js';
import type { Actor } from '../identity/roles.js';

/**
 * The X.509 certificates organizations sign deletion certificates with. An
 * admin registers them for anyone; a ward officer for the contractors and
 * subcontractors on their own ward's contracts. Reading them follows the
 * directory's scope (organization-scope.rule); contractor staff read their own.
 */
@Injectable()
export class SigningCertificatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async register(
    actor: Actor,
    organizationId: string,
    pem: string,
  ): Promise<OrganizationCertificateEntity> {
    await this.requireOrganization(actor, organizationId);
    if (actor.role === 'ward_officer' && !(await this.onWardContract(actor, organizationId))) {
      throw new DomainError(
        'NOT_CONTRACT_WARD',
        'A ward officer registers certificates only for contractors on their ward’s contracts',
        { organizationId },
      );
    }
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length !== 1) {
      throw new DomainError('PEM_INVALID', 'Send exactly one PEM certificate', {
        certificates: blocks.length,
      });
    }
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(blocks[0]);
    } catch {
      throw new DomainError('PEM_INVALID', 'The PEM block is not an X.509 certificate');
    }
    const now = this.clock.now();
    const validTo = new Date(certificate.validTo);
    if (validTo.getTime() <= now.getTime()) {
      throw new DomainError('X509_EXPIRED', 'The certificate has expired', {
        validTo: validTo.toISOString(),
      });
    }
    const entity = Object.assign(new OrganizationCertificateEntity(), {
      id: randomUUID(),
      organizationId,
      fingerprint256: certificate.fingerprint256,
      subject: certificate.subject.slice(0, 1000),
      issuer: certificate.issuer.slice(0, 1000),
      serialNumber: certificate.serialNumber.slice(0, 100),
      validFrom: new Date(certificate.validFrom).toISOString(),
      validTo: validTo.toISOString(),
      pem: certificate.toString(),
      registeredByUserId: actor.userId,
      registeredAt: now.toISOString(),
    });
    try {
      await this.tx.run((manager) => manager.insert(OrganizationCertificateEntity, entity));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('X509_EXISTS', 'This certificate is already registered', {
          fingerprint256: entity.fingerprint256,
        });
      }
      throw error;
    }
    return entity;
  }

  async list(actor: Actor, organizationId: string): Promise<OrganizationCertificateEntity[]> {
    await this.requireOrganization(actor, organizationId);
    return this.dataSource.getRepository(OrganizationCertificateEntity).find({
      where: { organizationId },
      order: { registeredAt: 'ASC' },
    });
  }

  /** The organization's certificates valid at `at`, to check a signature against. */
  async validAt(organizationId: string, at: Date): Promise<X509Certificate[]> {
    const rows = await this.dataSource
      .getRepository(OrganizationCertificateEntity)
      .findBy({ organizationId });
    const iso = at.toISOString();
    return rows
      .filter((r) => r.validFrom <= iso && iso < r.validTo)
      .map((r) => new X509Certificate(r.pem));
  }

  /**
   * The organization exists and is the caller's to see: any for an admin;
   * for ward officers and auditors their ward and the organizations on its
   * contracts (as in the directory); for contractor staff their own. Anything
   * else answers 404, as for an organization that does not exist.
   */
  private async requireOrganization(actor: Actor, organizationId: string): Promise<void> {
    const manager = this.dataSource.manager;
    const visible =
      actor.role === 'contractor_staff'
        ? actor.organizationId === organizationId
        : await isOrganizationVisibleTo(manager, actor, organizationId);
    if (!visible || !(await manager.existsBy(OrganizationEntity, { id: organizationId }))) {
      throw new DomainError('ORGANIZATION_NOT_FOUND', 'No such organization');
    }
  }

  private async onWardContract(actor: Actor, organizationId: string): Promise<boolean> {
    const row = await new Sql(this.dataSource.manager).one<{ id: string }>(
      `SELECT c.id FROM contracts c
        WHERE c.ward_organization_id = ?
          AND (c.contractor_organization_id = ?
               OR c.id IN (SELECT contract_id FROM contract_subcontractors WHERE organization_id = ?))
        LIMIT 1`,
      [actor.organizationId, organizationId, organizationId],
    );
    return row !== undefined;
  }
}
