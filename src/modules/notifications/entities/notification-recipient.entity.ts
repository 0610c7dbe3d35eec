import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/** A notification in one user's inbox, with whether they have read it. */
@Entity({ name: 'notification_recipients' })
@Index('idx_notification_recipients_user', ['userId', 'createdAt'])
@Index('idx_notification_recipients_mail_delivery', ['mailDeliveryId'])
// Partial: only the rows a digest still has to take (see DigestDueIndex1764790000000).
@Index('idx_notification_recipients_digest_due', ['userId'], {
  where: `mail = 'digest' AND mail_delivery_id IS NULL AND read_at IS NULL`,
})
export class NotificationRecipientEntity {
  @PrimaryColumn({ name: 'notification_id', type: 'varchar', length: ID_LENGTH })
  notificationId: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: ID_LENGTH })
  userId: string;

  @Column({ name: 'created_at', type: 'varchar', length: INSTANT_LENGTH })
  createdAt: string;

  @Column({ name: 'read_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  readAt: string | null;

  /**
   * How it goes by mail, as the user wanted when it was raised: `immediate`,
   * `digest` (in the next daily digest while unread), or null (not by mail).
   */
  @Column({ type: 'varchar', length: 16, nullable: true })
  mail: 'immediate' | 'digest' | null;

  /** The mail that carries it (its own, or the digest that listed it). */
  @Column({ name: 'mail_delivery_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  mailDeliveryId: string | null;
}
