import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { businessDateOf } from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { MailOutbox } from './mail-outbox.js';
import { NotificationWriter } from './notification-writer.js';
import type { Reminder } from './reminder.rules.js';
import { WebhookOutbox } from './webhook-outbox.js';

/**
 * A notice raised by a ledger entry as it is appended (an incident, a
 * ledger found rewritten at an audit), not by the daily scan: written in
 * the entry's own transaction, so that neither exists without the other,
 * and its webhook deliveries and immediate mails sent as soon as their
 * outboxes are pumped, right after the commit. What the reactors share.
 */
@Injectable()
export class ImmediateNotice {
  constructor(
    private readonly writer: NotificationWriter,
    private readonly outbox: WebhookOutbox,
    private readonly mailOutbox: MailOutbox,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Writes the notice `compose` makes from the contract's ward; nothing when
   * the contract is not there.
   */
  async raise(
    manager: EntityManager,
    contractId: string,
    compose: (wardOrganizationId: string) => Reminder | Promise<Reminder>,
  ): Promise<void> {
    const contract = await new Sql(manager).one<{ ward_organization_id: string }>(
      'SELECT ward_organization_id FROM contracts WHERE id = ?',
      [contractId],
    );
    if (!contract) return;
    const notice = await compose(contract.ward_organization_id);
    const now = this.clock.now();
    const written = await this.writer.write(manager, [notice], {
      asOf: businessDateOf(now, this.config.BUSINESS_TIMEZONE),
      now,
    });
    if (written.deliveries > 0) this.outbox.kick();
    if (written.mails > 0) this.mailOutbox.kick();
  }
}
