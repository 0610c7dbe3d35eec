import { randomUUID, X509Certificate } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { isUniqueViolation } from '../../common/errors/unique-violation.js';
import { businessDateOf, type IsoDate } from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { isRosterEntryValidAt } from '../contracts/roster.rule.js';
import { OrganizationCertificateEntity } from '../identity/entities/organization-certificate.entity.js';
import { OrganizationEntity } from '../identity/entities/organization.entity.js';
import { isOrganizationVisibleTo } from '../identity/organization-scope.js';
import type { Actor } from '../identity/roles.js';
import { signingKeyRefusal } from './signing-key.rule.js';

/**
 * The X.509 certificates organizations sign deletion certificates with.
 *
 * A signing key is the organization's own: only the organization registers or
 * revokes it, through its responsible person (取扱責任者: a contractor staff
 * member of that organization named `responsible` on a currently valid roster
 * entry of some contract, the person who submits its deletion certificates),
 * or a system administrator on its behalf. A ward officer may not, even for a
 * contractor on their own contracts: a ward that could register a key as the
 * contractor's could sign certificates in the contractor's name. Callers who
 * may not see the organization get 404; those who see it but do not hold its
 * keys get 403 NOT_ORGANIZATION_RESPONSIBLE. Both writes go through HTTP, so
 * the access log records each (resource: the organization, or the certificate
 * for a revocation).
 *
 * Reading follows the directory's scope (organization-scope.rule); contractor
 * staff read their own organization's.
 */
@Injectable()
export class SigningCertificatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async register(
    actor: Actor,
    organizationId: string,
    pem: string,
  ): Promise<OrganizationCertificateEntity> {
    await this.requireOrganization(actor, organizationId);
    await this.requireKeyHolder(actor, organizationId);
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
    let refusal: ReturnType<typeof signingKeyRefusal>;
    try {
      refusal = signingKeyRefusal(certificate);
    } catch {
      throw new DomainError('PEM_INVALID', 'The certificate’s extensions cannot be read');
    }
    if (refusal) {
      const { message, ...details } = refusal;
      throw new DomainError('SIGNING_KEY_REFUSED', message, details);
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
      revokedAt: null,
      revokedByUserId: null,
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

  /**
   * Revokes a certificate: from now on it verifies no signature. It stays
   * listed, with when and by whom it was revoked. Revoking it again changes
   * nothing and answers the same.
   */
  async revoke(
    actor: Actor,
    organizationId: string,
    certificateId: string,
  ): Promise<OrganizationCertificateEntity> {
    await this.requireOrganization(actor, organizationId);
    await this.requireKeyHolder(actor, organizationId);
    return this.tx.run(async (manager) => {
      const certificate = await manager.findOneBy(OrganizationCertificateEntity, {
        id: certificateId,
        organizationId,
      });
      if (!certificate) {
        throw new DomainError(
          'SIGNING_CERTIFICATE_NOT_FOUND',
          'No such signing certificate of this organization',
          { certificateId },
        );
      }
      if (certificate.revokedAt !== null) return certificate;
      certificate.revokedAt = this.clock.now().toISOString();
      certificate.revokedByUserId = actor.userId;
      await manager.update(
        OrganizationCertificateEntity,
        { id: certificate.id },
        { revokedAt: certificate.revokedAt, revokedByUserId: certificate.revokedByUserId },
      );
      return certificate;
    });
  }

  async list(actor: Actor, organizationId: string): Promise<OrganizationCertificateEntity[]> {
    await this.requireOrganization(actor, organizationId);
    return this.dataSource.getRepository(OrganizationCertificateEntity).find({
      where: { organizationId },
      order: { registeredAt: 'ASC', id: 'ASC' },
    });
  }

  /**
   * The organization's certificates that may verify a signature made at
   * `at`: valid then, not revoked, with a key the policy accepts
   * (signing-key.rule), and registered by the organization itself or an
   * admin. The last two also disarm certificates registered before these
   * rules, by a ward officer or with a weak key.
   */
  async validAt(organizationId: string, at: Date): Promise<X509Certificate[]> {
    const rows = await new Sql(this.dataSource.manager).all<{
      pem: string;
      valid_from: string;
      valid_to: string;
      revoked_at: string | null;
    }>(
      `SELECT c.pem, c.valid_from, c.valid_to, c.revoked_at
         FROM organization_certificates c
         JOIN users u ON u.id = c.registered_by_user_id
        WHERE c.organization_id = ? AND (u.role = 'admin' OR u.organization_id = c.organization_id)`,
      [organizationId],
    );
    const iso = at.toISOString();
    return rows
      .filter((r) => r.valid_from <= iso && iso < r.valid_to)
      .filter((r) => r.revoked_at === null || iso < r.revoked_at)
      .map((r) => new X509Certificate(r.pem))
      .filter((certificate) => {
        try {
          return signingKeyRefusal(certificate) === null;
        } catch {
          return false;
        }
      });
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

  /** An admin, or the organization's own responsible person (see the class comment). */
  private async requireKeyHolder(actor: Actor, organizationId: string): Promise<void> {
    if (actor.role === 'admin') return;
    if (
      actor.role === 'contractor_staff' &&
      actor.organizationId === organizationId &&
      (await this.isResponsibleNow(actor.userId))
    ) {
      return;
    }
    throw new DomainError(
      'NOT_ORGANIZATION_RESPONSIBLE',
      'Only the organization’s responsible person (取扱責任者) or an admin registers or revokes its signing certificates',
      { organizationId },
    );
  }

  private async isResponsibleNow(userId: string): Promise<boolean> {
    const rows = await new Sql(this.dataSource.manager).all<{
      valid_from: IsoDate;
      valid_to: IsoDate | null;
      removed_at: string | null;
    }>(
      `SELECT valid_from, valid_to, removed_at FROM roster_entries WHERE user_id = ? AND role = 'responsible'`,
      [userId],
    );
    const now = this.clock.now();
    const date = businessDateOf(now, this.config.BUSINESS_TIMEZONE);
    return rows.some((row) =>
      isRosterEntryValidAt(
        {
          validFrom: row.valid_from,
          validTo: row.valid_to,
          removedAt: row.removed_at === null ? null : new Date(row.removed_at),
        },
        now,
        date,
      ),
    );
  }
}
