import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * An organization's webhook: notifications for its people are also POSTed
 * here, signed with HMAC-SHA256 under the secret. The secret has to be kept
 * as is to sign with; the API never returns it.
 */
@Entity({ name: 'webhooks' })
export class WebhookEntity {
  @PrimaryColumn({ name: 'organization_id', type: 'varchar', length: ID_LENGTH })
  organizationId: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  @Column({ type: 'varchar', length: 256 })
  secret: string;

  @Column({ name: 'updated_by_user_id', type: 'varchar', length: ID_LENGTH })
  updatedByUserId: string;

  @Column({ name: 'updated_at', type: 'varchar', length: INSTANT_LENGTH })
  updatedAt: string;
}
