import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { PdfRenderer } from '../pdf/pdf.renderer.js';
import { MAX_CLOCK_SKEW_MS } from '../../common/time/instant.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { ContractsService, type ContractView } from '../contracts/contracts.service.js';
import { RosterService } from '../contracts/roster.service.js';
import { requireTrained } from '../contracts/training.records.js';
import { businessDateOf } from '../../common/time/business-date.js';
import { CustodyQueries } from '../custody/custody.queries.js';
import { type CustodyState, custodyRefusal } from '../custody/custody-state.js';
import type { MediumEntity } from '../custody/entities/medium.entity.js';
import type { Actor } from '../identity/roles.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type {
  CertificateConfirmedPayload,
  CertificateRejectedPayload,
  CertificateSubmittedPayload,
} from './closeout.projector.js';
import type {
  ConfirmCertificateRequest,
  RejectCertificateRequest,
  SubmitCertificateRequest,
} from './dto/deletion-certificate.dto.js';
import { DeletionCertificateEntity } from './entities/deletion-certificate.entity.js';
import { type OutstandingItem, outstandingItems } from './outstanding.rule.js';
import { verifyDetachedSignature } from './detached-signature.js';
import {
  nonCanonicalField,
  signedContent,
  signedDocument,
  type StoredCertificateFields,
} from './signed-content.rule.js';
import { SigningCertificatesService } from './signing-certificates.service.js';

export interface Appended {
  id: string;
  seq: number;
  hash: string;
}

/**
 * Return, erasure and close-out (seed 001 特記事項 11–12): deletion
 * certificates (消去証明書) submitted by a contractor's or subcontractor's
 * responsible person and confirmed or rejected by the ward, and the gate that
 * closes a contract only when nothing is outstanding.
 */
@Injectable()
export class CloseoutService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
    private readonly clock: Clock,
    private readonly signing: SigningCertificatesService,
    private readonly config: AppConfig,
    private readonly pdfs: PdfRenderer,
  ) {}

  async submit(
    actor: Actor,
    contractId: string,
    request: SubmitCertificateRequest,
  ): Promise<Appended> {
    const view = await this.contracts.findReadable(actor, contractId);
    this.requireSameContract(view.contract.id, request);
    const erasedAt = new Date(request.erasedAt);
    if (erasedAt.getTime() > this.clock.now().getTime() + MAX_CLOCK_SKEW_MS) {
      throw new DomainError('INVALID_OCCURRED_AT', 'erasedAt is in the future', {
        field: 'erasedAt',
        erasedAt: erasedAt.toISOString(),
      });
    }
    const fields = storedFields(request, erasedAt);
    const signature = await this.checkSignature(actor, view.contract.id, request, fields);
    return this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      if (
        !(await this.roster.isRosteredAt(
          manager,
          contractId,
          actor.userId,
          chain.openedAt,
          'responsible',
        ))
      ) {
        throw new DomainError(
          'NOT_RESPONSIBLE',
          'Only the responsible person (取扱責任者) named on the roster submits a deletion certificate',
          { userId: actor.userId },
        );
      }
      await requireTrained(
        manager,
        view.contract,
        actor.userId,
        businessDateOf(chain.openedAt, this.config.BUSINESS_TIMEZONE),
      );
      const q = new CustodyQueries(new Sql(manager));
      const media = await q.media(contractId, request.mediaIds);
      const unknown = request.mediaIds.filter((id) => !media.some((m) => m.id === id));
      if (unknown.length > 0) {
        throw new DomainError('UNKNOWN_MEDIUM', 'Some mediaIds are not media of this contract', {
          mediumIds: unknown,
        });
      }
      this.requireHeldBy(media, actor.organizationId);
      const certificates = await manager.findBy(DeletionCertificateEntity, { contractId });
      const pending = certificates.find(
        (c) => c.status === 'submitted' && c.mediaIds.some((id) => request.mediaIds.includes(id)),
      );
      if (pending) {
        throw new DomainError(
          'CERTIFICATE_PENDING',
          'A medium is already covered by a certificate awaiting the ward',
          {
            certificateId: pending.id,
          },
        );
      }
      // A number names one certificate of the organization on this contract,
      // for good: a rejected certificate is replaced by a new one with a new
      // number, so that a signed body cannot be sent again after a rejection.
      const taken = certificates.find(
        (c) =>
          c.organizationId === actor.organizationId &&
          c.certificateNumber === fields.certificateNumber,
      );
      if (taken) {
        throw new DomainError(
          taken.status === 'rejected' ? 'CERTIFICATE_NUMBER_REUSED' : 'CERTIFICATE_EXISTS',
          taken.status === 'rejected'
            ? 'This certificate number belongs to a rejected certificate: a new certificate needs a new number'
            : 'This certificate number is already submitted',
          { certificateId: taken.id, certificateNumber: fields.certificateNumber },
        );
      }
      const payload: CertificateSubmittedPayload = {
        certificateId: randomUUID(),
        organizationId: actor.organizationId,
        organizationName: (await q.party(actor.userId)).organizationName,
        ...fields,
        signature,
      };
      const entry = await chain.append({
        type: 'deletion_certificate_submitted',
        occurredAt: chain.openedAt,
        payload: { ...payload },
      });
      return { id: payload.certificateId, seq: entry.seq, hash: entry.hash };
    });
  }

  /**
   * A certificate that names its contract (`contractId`, which a signed one
   * must: the signature covers it) names this one; otherwise the body, and
   * its signature, were made for another contract.
   */
  private requireSameContract(contractId: string, request: SubmitCertificateRequest): void {
    const named = request.contractId ?? null;
    if (named === contractId || (named === null && request.signature === undefined)) return;
    throw new DomainError(
      'SIGNATURE_CONTRACT_MISMATCH',
      named === null
        ? 'A signed certificate names its contract in `contractId`, and the signature covers it'
        : 'The certificate names another contract than the one it is submitted on',
      { contractId, signedContractId: named },
    );
  }

  /**
   * A signature, if sent, must be a detached PKCS#7/CMS signature over the
   * signed content of the certificate as the ledger will store it
   * (signed-content.rule), by a certificate the organization registered that
   * is valid now. The body must already be in stored form (400
   * CERTIFICATE_NOT_CANONICAL, naming the field), so that the ledger keeps
   * exactly the signed bytes and anyone can check them again from it alone.
   */
  private async checkSignature(
    actor: Actor,
    contractId: string,
    request: SubmitCertificateRequest,
    fields: StoredCertificateFields,
  ): Promise<CertificateSubmittedPayload['signature']> {
    if (request.signature === undefined) return null;
    const { signature, ...body } = request;
    const document = signedDocument(contractId, fields);
    const sent = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
    const differs = nonCanonicalField(sent, document);
    if (differs) {
      throw new DomainError(
        'CERTIFICATE_NOT_CANONICAL',
        `\`${differs.field}\` of a signed certificate must be sent as it is stored (signed bytes are kept byte for byte)`,
        { field: differs.field, canonical: differs.canonical },
      );
    }
    const certificates = await this.signing.validAt(actor.organizationId, this.clock.now());
    const verdict = verifyDetachedSignature(signature, signedContent(document), certificates);
    if (!verdict.valid) {
      throw new DomainError('SIGNATURE_INVALID', `The signature is not valid: ${verdict.reason}`, {
        reason: verdict.reason,
      });
    }
    return {
      pem: signature,
      signerFingerprint256: verdict.certificate.fingerprint256,
      signerCertificate: verdict.certificate.toString(),
    };
  }

  async list(actor: Actor, contractId: string): Promise<DeletionCertificateEntity[]> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    return this.dataSource.getRepository(DeletionCertificateEntity).find({
      where: { contractId },
      order: { submitSeq: 'ASC' },
    });
  }

  /** The certificate with its confirmation, as a printable PDF in Japanese. */
  async pdf(
    actor: Actor,
    contractId: string,
    certificateId: string,
  ): Promise<{ number: string; pdf: Buffer }> {
    const view = await this.roster.findReadableNeedToKnow(actor, contractId);
    const certificate = await this.dataSource
      .getRepository(DeletionCertificateEntity)
      .findOneBy({ id: certificateId, contractId });
    if (!certificate) {
      throw new DomainError(
        'CERTIFICATE_NOT_FOUND',
        'No such deletion certificate on this contract',
        {
          certificateId,
        },
      );
    }
    const sql = new Sql(this.dataSource.manager);
    const nameOf = async (table: 'users' | 'organizations', column: string, id: string | null) =>
      id === null
        ? null
        : ((
            await sql.one<{ name: string }>(`SELECT ${column} AS name FROM ${table} WHERE id = ?`, [
              id,
            ])
          )?.name ?? null);
    const hashAt = async (seq: number | null) =>
      seq === null
        ? null
        : ((
            await sql.one<{ hash: string }>(
              'SELECT hash FROM ledger_entries WHERE contract_id = ? AND seq = ?',
              [contractId, seq],
            )
          )?.hash ?? null);
    const media = await new CustodyQueries(sql).media(contractId, certificate.mediaIds);
    const pdf = await this.pdfs.render({
      kind: 'certificate',
      input: {
        certificate,
        contractTitle: view.contract.title,
        organizationName: (await nameOf('organizations', 'name', certificate.organizationId)) ?? '',
        wardName: (await nameOf('organizations', 'name', view.wardOrganizationId)) ?? '',
        wardAddressee: await nameOf('organizations', 'document_addressee', view.wardOrganizationId),
        submittedByName:
          (await nameOf('users', 'display_name', certificate.submittedByUserId)) ?? '',
        decidedByName: await nameOf('users', 'display_name', certificate.decidedByUserId),
        media: media.map((m) => ({ kind: m.kind, label: m.label, description: m.description })),
        submitHash: (await hashAt(certificate.submitSeq)) ?? '',
        decisionHash: await hashAt(certificate.decisionSeq),
        generatedAt: this.clock.now(),
        timeZone: this.config.BUSINESS_TIMEZONE,
      },
    });
    return { number: certificate.certificateNumber, pdf };
  }

  /** The ward confirms: the covered media become erased (or destroyed). */
  async confirm(
    actor: Actor,
    contractId: string,
    certificateId: string,
    request: ConfirmCertificateRequest,
  ): Promise<Appended> {
    await this.contracts.findManageable(actor, contractId);
    return this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const certificate = await this.undecided(manager, contractId, certificateId);
      // The media may have moved since the submission; they must still be there to erase.
      const media = await new CustodyQueries(new Sql(manager)).media(
        contractId,
        certificate.mediaIds,
      );
      this.requireHeldBy(media, certificate.organizationId);
      const state: CustodyState = certificate.method === 'destroy' ? 'destroyed' : 'erased';
      const payload: CertificateConfirmedPayload = {
        certificateId,
        remarks: request.remarks?.trim() ?? null,
        states: Object.fromEntries(media.map((m) => [m.id, state])),
      };
      const entry = await chain.append({
        type: 'deletion_certificate_confirmed',
        occurredAt: chain.openedAt,
        payload: { ...payload },
      });
      return { id: certificateId, seq: entry.seq, hash: entry.hash };
    });
  }

  /** The ward rejects, with a reason; the organization may submit a new certificate. */
  async reject(
    actor: Actor,
    contractId: string,
    certificateId: string,
    request: RejectCertificateRequest,
  ): Promise<Appended> {
    await this.contracts.findManageable(actor, contractId);
    return this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      await this.undecided(manager, contractId, certificateId);
      const payload: CertificateRejectedPayload = { certificateId, reason: request.reason.trim() };
      const entry = await chain.append({
        type: 'deletion_certificate_rejected',
        occurredAt: chain.openedAt,
        payload: { ...payload },
      });
      return { id: certificateId, seq: entry.seq, hash: entry.hash };
    });
  }

  /** What is still out, and where: content, so need to know (rostered handlers, the ward). */
  async outstanding(
    actor: Actor,
    contractId: string,
  ): Promise<{ view: ContractView; items: OutstandingItem[] }> {
    const view = await this.roster.findReadableNeedToKnow(actor, contractId);
    return { view, items: await this.outstandingIn(this.dataSource.manager, view) };
  }

  /** Closes the contract, or refuses with 409 OUTSTANDING_CUSTODY and the list of what is out. */
  async close(actor: Actor, contractId: string): Promise<Appended> {
    const view = await this.contracts.findManageable(actor, contractId);
    return this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const items = await this.outstandingIn(manager, view);
      if (items.length > 0) {
        throw new DomainError(
          'OUTSTANDING_CUSTODY',
          `${items.length} item(s) are still outstanding`,
          {
            items,
          },
        );
      }
      const entry = await chain.append({
        type: 'contract_closed',
        occurredAt: chain.openedAt,
        payload: { contractId },
      });
      return { id: contractId, seq: entry.seq, hash: entry.hash };
    });
  }

  /** What is outstanding as `manager` sees it (a caller holding the chain lock sees it settled). */
  async outstandingIn(manager: EntityManager, view: ContractView): Promise<OutstandingItem[]> {
    const contractId = view.contract.id;
    const sql = new Sql(manager);
    const ids = await sql.all<{ id: string }>(
      'SELECT id FROM media WHERE contract_id = ? ORDER BY registered_at, id',
      [contractId],
    );
    const media = await new CustodyQueries(sql).media(
      contractId,
      ids.map((r) => r.id),
    );
    media.sort((a, b) => ids.findIndex((r) => r.id === a.id) - ids.findIndex((r) => r.id === b.id));
    // Whoever ever held an item: senders, receivers of received handovers, holders now.
    const parties = await sql.all<{ organization_id: string }>(
      `SELECT from_organization_id AS organization_id FROM handovers WHERE contract_id = ?
       UNION SELECT to_organization_id FROM handovers WHERE contract_id = ? AND status = 'received'
       UNION SELECT holder_organization_id FROM media WHERE contract_id = ?`,
      [contractId, contractId, contractId],
    );
    const certificates = await manager.findBy(DeletionCertificateEntity, { contractId });
    return outstandingItems({
      wardOrganizationId: view.wardOrganizationId,
      media,
      custodians: parties.map((p) => p.organization_id),
      certificates,
    });
  }

  private async undecided(
    manager: EntityManager,
    contractId: string,
    certificateId: string,
  ): Promise<DeletionCertificateEntity> {
    const certificate = await manager.findOneBy(DeletionCertificateEntity, {
      id: certificateId,
      contractId,
    });
    if (!certificate) {
      throw new DomainError(
        'CERTIFICATE_NOT_FOUND',
        'No such deletion certificate on this contract',
        {
          certificateId,
        },
      );
    }
    if (certificate.status !== 'submitted') {
      throw new DomainError(
        'CERTIFICATE_ALREADY_DECIDED',
        `The certificate is already ${certificate.status}`,
        {
          certificateId,
          status: certificate.status,
        },
      );
    }
    return certificate;
  }

  private requireHeldBy(media: MediumEntity[], organizationId: string): void {
    for (const medium of media) {
      const refusal = custodyRefusal(medium, organizationId);
      if (refusal) {
        throw new DomainError(
          refusal.code,
          'A covered medium is not held by the erasing organization',
          {
            mediumId: medium.id,
            state: medium.state,
          },
        );
      }
    }
  }
}

/**
 * The certificate's fields as the ledger stores them: erasedAt in UTC with
 * milliseconds, text without surrounding white space. A signed certificate
 * must arrive in this form already (see checkSignature).
 */
function storedFields(request: SubmitCertificateRequest, erasedAt: Date): StoredCertificateFields {
  return {
    certificateNumber: request.certificateNumber.trim(),
    erasedAt: erasedAt.toISOString(),
    scope: {
      dataItems: request.scope.dataItems,
      systems: request.scope.systems,
      places: request.scope.places,
    },
    mediaIds: request.mediaIds,
    method: request.method,
    tool: request.tool.trim(),
    verification: request.verification.trim(),
    performedBy: request.performedBy.trim(),
    witnessedBy: request.witnessedBy?.trim() ?? null,
  };
}
