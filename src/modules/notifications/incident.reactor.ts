import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { businessDateOf } from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import { ProjectorRegistry, type LedgerReactor } from '../ledger/projector-registry.js';
import type { IncidentReportedPayload } from '../custody/custody.projector.js';
import { emergencyContactsOf } from '../emergency/emergency-plan.queries.js';
import { NotificationWriter } from './notification-writer.js';
import { incidentNotice } from './reminder.rules.js';
import { MailOutbox } from './mail-outbox.js';
import { WebhookOutbox } from './webhook-outbox.js';

/**
 * An incident is notified at once: its notification, inbox rows and webhook
 * deliveries are written in the transaction that records the incident, so
 * one cannot exist without the other; the webhook and the immediate mails go
 * out as soon as their outboxes are pumped, right after the commit.
 */
@Injectable()
export class IncidentReactor implements LedgerReactor, OnModuleInit {
  readonly name = 'incident-notifications';
  readonly types = ['incident_reported'] as const;

  constructor(
    private readonly registry: ProjectorRegistry,
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
    const payload = entry.payload as unknown as IncidentReportedPayload;
    const contract = await new Sql(manager).one<{ ward_organization_id: string }>(
      'SELECT ward_organization_id FROM contracts WHERE id = ?',
      [entry.contractId],
    );
    if (!contract) return;
    const now = this.clock.now();
    const written = await this.writer.write(
      manager,
      [
        incidentNotice(
          {
            id: payload.incidentId,
            contractId: entry.contractId,
            wardOrganizationId: contract.ward_organization_id,
            kind: payload.kind,
            description: payload.description,
            occurredAt: entry.occurredAt,
            mediumIds: payload.mediumIds,
            contacts: await emergencyContactsOf(manager, entry.contractId),
          },
          this.config.BUSINESS_TIMEZONE,
        ),
      ],
      { asOf: businessDateOf(now, this.config.BUSINESS_TIMEZONE), now },
    );
    if (written.deliveries > 0) this.outbox.kick();
    if (written.mails > 0) this.mailOutbox.kick();
  }
}
