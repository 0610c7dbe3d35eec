import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import type { Actor } from '../identity/roles.js';
import type {
  ConfigureWebhookRequest,
  DeliveriesQuery,
  DeliveryResponse,
  WebhookResponse,
} from './dto/notification.dto.js';
import type { NotificationKind } from './entities/notification.entity.js';
import type { DeliveryStatus } from './entities/webhook-delivery.entity.js';
import { WebhookAddressPolicy } from './webhook-address.policy.js';
import { newWebhookSecret } from './webhook-signature.js';

/**
 * An organization's webhook: set by an admin for any organization, or by a
 * ward officer for their own ward. Anyone else's organization answers 404.
 * A URL the address policy refuses (a private, loopback or metadata address,
 * credentials, plain http) answers 400 WEBHOOK_URL_REFUSED and is not stored.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly addresses: WebhookAddressPolicy,
  ) {}

  async configure(
    actor: Actor,
    organizationId: string,
    request: ConfigureWebhookRequest,
  ): Promise<WebhookResponse> {
    await this.requireManageable(actor, organizationId);
    await this.addresses.checkRegistration(request.url);
    const updatedAt = this.clock.now().toISOString();
    const made = request.secret === undefined ? newWebhookSecret() : undefined;
    const secret = request.secret ?? made!;
    await this.tx.run(async (manager) => {
      await new Sql(manager).run(
        `INSERT INTO webhooks (organization_id, url, secret, updated_by_user_id, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (organization_id) DO UPDATE
           SET url = excluded.url, secret = excluded.secret,
               updated_by_user_id = excluded.updated_by_user_id, updated_at = excluded.updated_at`,
        [organizationId, request.url, secret, actor.userId, updatedAt],
      );
    });
    return {
      organizationId,
      url: request.url,
      updatedAt,
      updatedByUserId: actor.userId,
      ...(made === undefined ? {} : { secret: made }),
    };
  }

  async get(actor: Actor, organizationId: string): Promise<WebhookResponse> {
    await this.requireManageable(actor, organizationId);
    const row = await new Sql(this.dataSource.manager).one<{
      url: string;
      updated_at: string;
      updated_by_user_id: string;
    }>('SELECT url, updated_at, updated_by_user_id FROM webhooks WHERE organization_id = ?', [
      organizationId,
    ]);
    if (!row) {
      throw new DomainError('WEBHOOK_NOT_FOUND', 'The organization has no webhook', {
        organizationId,
      });
    }
    return {
      organizationId,
      url: row.url,
      updatedAt: row.updated_at,
      updatedByUserId: row.updated_by_user_id,
    };
  }

  /** Removes the webhook; deliveries still pending then fail with a clear error. */
  async remove(actor: Actor, organizationId: string): Promise<void> {
    await this.get(actor, organizationId);
    await this.tx.run(async (manager) => {
      await new Sql(manager).run('DELETE FROM webhooks WHERE organization_id = ?', [
        organizationId,
      ]);
    });
  }

  async deliveries(
    actor: Actor,
    organizationId: string,
    query: DeliveriesQuery,
  ): Promise<DeliveryResponse[]> {
    await this.requireManageable(actor, organizationId);
    const params: Array<string | number> = [organizationId];
    let filter = '';
    if (query.status) {
      filter = ' AND d.status = ?';
      params.push(query.status);
    }
    params.push(query.limit ?? 100);
    const rows = await new Sql(this.dataSource.manager).all<{
      id: string;
      notification_id: string;
      kind: NotificationKind;
      status: DeliveryStatus;
      attempts: number;
      created_at: string;
      enqueued_at: string | null;
      last_attempt_at: string | null;
      next_attempt_at: string | null;
      last_status_code: number | null;
      last_error: string | null;
      completed_at: string | null;
    }>(
      `SELECT d.id, d.notification_id, n.kind, d.status, d.attempts, d.created_at, d.enqueued_at,
              d.last_attempt_at, d.next_attempt_at, d.last_status_code, d.last_error, d.completed_at
         FROM webhook_deliveries d JOIN notifications n ON n.id = d.notification_id
        WHERE d.organization_id = ?${filter}
        ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      notificationId: r.notification_id,
      kind: r.kind,
      status: r.status,
      attempts: Number(r.attempts),
      createdAt: r.created_at,
      enqueuedAt: r.enqueued_at,
      lastAttemptAt: r.last_attempt_at,
      nextAttemptAt: r.next_attempt_at,
      lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
      lastError: r.last_error,
      completedAt: r.completed_at,
    }));
  }

  private async requireManageable(actor: Actor, organizationId: string): Promise<void> {
    const exists = await new Sql(this.dataSource.manager).one<{ id: string }>(
      'SELECT id FROM organizations WHERE id = ?',
      [organizationId],
    );
    const allowed =
      actor.role === 'admin' ||
      (actor.role === 'ward_officer' && actor.organizationId === organizationId);
    if (!exists || !allowed) {
      throw new DomainError('ORGANIZATION_NOT_FOUND', 'No such organization', { organizationId });
    }
  }
}
