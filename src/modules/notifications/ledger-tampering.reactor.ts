import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { businessDateOf } from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { AuditContinuityReader } from '../audits/audit-continuity.js';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import { ProjectorRegistry, type LedgerReactor } from '../ledger/projector-registry.js';
import { MailOutbox } from './mail-outbox.js';
import { NotificationWriter } from './notification-writer.js';
import { ledgerTamperingNotice } from './reminder.rules.js';
import { WebhookOutbox } from './webhook-outbox.js';

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
    private readonly writer: NotificationWriter,
    private readonly outbox: WebhookOutbox,
    private readonly mailOutbox: MailOutbox,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.registerReactor(this);
  }

  async react(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    const continuity = await this.continuity.atRecording(entry.contractId, entry.seq, manager);
    if (continuity?.status !== 'broken') return;
    const contract = await new Sql(manager).one<{ ward_organization_id: string }>(
      'SELECT ward_organization_id FROM contracts WHERE id = ?',
      [entry.contractId],
    );
    if (!contract) return;
    const now = this.clock.now();
    const written = await this.writer.write(
      manager,
      [
        ledgerTamperingNotice({
          contractId: entry.contractId,
          wardOrganizationId: contract.ward_organization_id,
          auditId: String(entry.payload.auditId),
          previousAuditId: continuity.previousAuditId,
          fromSize: continuity.fromSize,
          toSize: continuity.toSize,
          reason: continuity.reason ?? '',
        }),
      ],
      { asOf: businessDateOf(now, this.config.BUSINESS_TIMEZONE), now },
    );
    if (written.deliveries > 0) this.outbox.kick();
    if (written.mails > 0) this.mailOutbox.kick();
  }
}
