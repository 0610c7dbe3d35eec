import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import { ProjectorRegistry, type LedgerReactor } from '../ledger/projector-registry.js';
import type { IncidentReportedPayload } from '../custody/custody.projector.js';
import { emergencyContactsOf } from '../emergency/emergency-plan.queries.js';
import { ImmediateNotice } from './immediate-notice.js';
import { incidentNotice } from './reminder.rules.js';

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
    private readonly notice: ImmediateNotice,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.registerReactor(this);
  }

  async react(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    const payload = entry.payload as unknown as IncidentReportedPayload;
    await this.notice.raise(manager, entry.contractId, async (wardOrganizationId) =>
      incidentNotice(
        {
          id: payload.incidentId,
          contractId: entry.contractId,
          wardOrganizationId,
          kind: payload.kind,
          description: payload.description,
          occurredAt: entry.occurredAt,
          mediumIds: payload.mediumIds,
          contacts: await emergencyContactsOf(manager, entry.contractId),
        },
        this.config.BUSINESS_TIMEZONE,
      ),
    );
  }
}
