import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContractEntity } from '../contracts/entities/contract.entity.js';
import type { CustodyState } from '../custody/custody-state.js';
import { MediumEntity } from '../custody/entities/medium.entity.js';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import { type LedgerProjector, ProjectorRegistry } from '../ledger/projector-registry.js';
import { DeletionCertificateEntity } from './entities/deletion-certificate.entity.js';
import type { StoredCertificateFields } from './signed-content.rule.js';

/** `deletion_certificate_submitted` */
export interface CertificateSubmittedPayload extends StoredCertificateFields {
  certificateId: string;
  organizationId: string;
  organizationName: string;
  /**
   * The detached signature as sent, and the certificate it verified against
   * (its PEM since signatures bind the contract, so that the entry alone is
   * enough to check it: see signed-content.rule).
   */
  signature: { pem: string; signerFingerprint256: string; signerCertificate?: string } | null;
}

/** `deletion_certificate_confirmed` */
export interface CertificateConfirmedPayload {
  certificateId: string;
  remarks: string | null;
  /** The state each covered medium takes: erased, or destroyed for physical destruction. */
  states: Record<string, CustodyState>;
}

/** `deletion_certificate_rejected` */
export interface CertificateRejectedPayload {
  certificateId: string;
  reason: string;
}

/** Keeps deletion certificates, the media they erase and the contract's status in step with the ledger. */
@Injectable()
export class CloseoutProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'closeout';
  readonly types = [
    'deletion_certificate_submitted',
    'deletion_certificate_confirmed',
    'deletion_certificate_rejected',
    'contract_closed',
  ] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    switch (entry.type) {
      case 'deletion_certificate_submitted': {
        const p = entry.payload as unknown as CertificateSubmittedPayload;
        await manager.insert(DeletionCertificateEntity, {
          id: p.certificateId,
          contractId: entry.contractId,
          organizationId: p.organizationId,
          certificateNumber: p.certificateNumber,
          status: 'submitted',
          erasedAt: p.erasedAt,
          scope: p.scope,
          mediaIds: p.mediaIds,
          method: p.method,
          tool: p.tool,
          verification: p.verification,
          performedBy: p.performedBy,
          witnessedBy: p.witnessedBy,
          signerFingerprint256: p.signature?.signerFingerprint256 ?? null,
          submittedByUserId: entry.actor.userId,
          submittedAt: entry.recordedAt,
          submitSeq: entry.seq,
          decidedByUserId: null,
          decidedAt: null,
          decisionSeq: null,
          decisionNote: null,
        });
        return;
      }
      case 'deletion_certificate_confirmed': {
        const p = entry.payload as unknown as CertificateConfirmedPayload;
        await this.decide(manager, entry, p.certificateId, 'confirmed', p.remarks);
        for (const [mediumId, state] of Object.entries(p.states)) {
          await manager.update(
            MediumEntity,
            { id: mediumId },
            { state, lastEventAt: entry.occurredAt, lastSeq: entry.seq },
          );
        }
        return;
      }
      case 'deletion_certificate_rejected': {
        const p = entry.payload as unknown as CertificateRejectedPayload;
        await this.decide(manager, entry, p.certificateId, 'rejected', p.reason);
        return;
      }
      case 'contract_closed':
        await manager.update(ContractEntity, { id: entry.contractId }, { status: 'closed' });
        return;
    }
  }

  private async decide(
    manager: EntityManager,
    entry: LedgerEntry,
    certificateId: string,
    status: 'confirmed' | 'rejected',
    note: string | null,
  ): Promise<void> {
    await manager.update(
      DeletionCertificateEntity,
      { id: certificateId },
      {
        status,
        decidedByUserId: entry.actor.userId,
        decidedAt: entry.recordedAt,
        decisionSeq: entry.seq,
        decisionNote: note,
      },
    );
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(DeletionCertificateEntity).execute();
  }
}
