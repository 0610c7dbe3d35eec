import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditContinuityReader } from '../audits/audit-continuity.js';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import { ProjectorRegistry, type LedgerReactor } from '../ledger/projector-registry.js';
import { ImmediateNotice } from './immediate-notice.js';
import { ledgerTamperingNotice } from './reminder.rules.js';

/**
 * At each audit, in the transaction that records it (after the audit's own
 * checkpoint is signed): is the ledger an extension of the one signed at the
 * previous audit? When it is not, the ward's officers and auditors are
 * notified at once, as of an incident; the audit is recorded all the same.
 */
@Injectable()
export class LedgerTamperingReactor implements LedgerReactor, OnModuleInit {
  readonly name = 'ledger-tampering-notifications';
  readonly types = ['audit_recorded'] as const;

  constructor(
    private readonly registry: ProjectorRegistry,
    private readonly continuity: AuditContinuityReader,
    private readonly notice: ImmediateNotice,
  ) {}

  onModuleInit(): void {
    this.registry.registerReactor(this);
  }

  async react(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    const continuity = await this.continuity.atRecording(entry.contractId, entry.seq, manager);
    if (continuity?.status !== 'broken') return;
    await this.notice.raise(manager, entry.contractId, (wardOrganizationId) =>
      ledgerTamperingNotice({
        contractId: entry.contractId,
        wardOrganizationId,
        auditId: String(entry.payload.auditId),
        previousAuditId: continuity.previousAuditId,
        fromSize: continuity.fromSize,
        toSize: continuity.toSize,
        reason: continuity.reason ?? '',
      }),
    );
  }
}
