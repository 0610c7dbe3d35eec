import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { IsIsoDate, MAX_SEQ, OptionalField, QueryInt } from '../../../common/http/validators.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../entities/webhook-delivery.entity.js';
import { NOTIFICATION_KINDS, type NotificationKind } from '../entities/notification.entity.js';
import { MAIL_STATUSES } from '../entities/mail-delivery.entity.js';
import { isStandardSecret, WEBHOOK_HEADERS } from '../webhook-signature.js';

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class InboxQuery {
  @ApiPropertyOptional({ description: 'Only notifications not yet read' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ default: 50 })
  @QueryInt(1, 200)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @QueryInt(0, MAX_SEQ)
  offset?: number;
}

export class WebhookStateResponse {
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
}

/** What the inbox shows of a notification's e-mail to the caller. */
export const INBOX_MAIL_STATES = ['waiting', ...MAIL_STATUSES] as const;
export type InboxMailState = (typeof INBOX_MAIL_STATES)[number];

export class MailStateResponse {
  @ApiProperty({
    enum: INBOX_MAIL_STATES,
    description:
      '`waiting`: goes in the next daily digest; `pending`: being sent (or retried); `sent`; `failed` after its last attempt; `cancelled`: the address was removed or mails turned off before it went',
  })
  status: InboxMailState;
  @ApiProperty({ enum: ['immediate', 'digest'] }) mode: 'immediate' | 'digest';
  @ApiProperty({ description: 'attempts so far' }) attempts: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) sentAt: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the last failure: a code (ECONNECTION, EENVELOPE, NO_ADDRESS…) and no text',
  })
  lastError: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "the SMTP server's reply code to the last attempt (250, 451, 550…)",
  })
  lastStatusCode: number | null;
}

export class NotificationResponse {
  @ApiProperty() id: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind: NotificationKind;
  @ApiProperty() contractId: string;
  @ApiProperty({ type: String, nullable: true, description: 'handover, medium or incident' })
  subjectId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) dueOn: string | null;
  @ApiProperty({ type: Number, nullable: true }) leadDays: number | null;
  @ApiProperty({ format: 'date', description: 'the business day that raised it' }) asOf: string;
  @ApiProperty() title: string;
  @ApiProperty() message: string;
  @ApiProperty({ type: Object }) data: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) readAt: string | null;
  @ApiProperty({
    type: WebhookStateResponse,
    nullable: true,
    description: "delivery to the caller's organization's webhook, if it has one",
  })
  webhook: WebhookStateResponse | null;
  @ApiProperty({
    type: MailStateResponse,
    nullable: true,
    description: 'its e-mail to the caller; null when it goes by the inbox alone',
  })
  mail: MailStateResponse | null;
  @ApiProperty({
    example: '/contracts/8c0b…/audits',
    description: 'where in the web app the caller acts on it (the link its e-mail carries)',
  })
  path: string;
}

export class InboxResponse {
  @ApiProperty({ type: [NotificationResponse] }) items: NotificationResponse[];
  @ApiProperty() total: number;
  @ApiProperty() unread: number;
}

export class ReadResponse {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) readAt: string;
}

/** A Standard Webhooks secret (`whsec_` + base64 of 24–64 bytes). */
@ValidatorConstraint({ name: 'isStandardWebhookSecret' })
export class IsStandardWebhookSecret implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isStandardSecret(value);
  }
  defaultMessage(): string {
    return 'secret must be whsec_ followed by the base64 of 24 to 64 random bytes (or be left out: the service makes one)';
  }
}

export class ConfigureWebhookRequest {
  @ApiProperty({
    example: 'https://hooks.example.jp/kanribo',
    format: 'uri',
    maxLength: 2000,
    description:
      'https, without credentials, at a public address (or inside WEBHOOK_ALLOWED_NETWORKS); ' +
      'anything else answers 400 WEBHOOK_URL_REFUSED',
  })
  @IsString()
  @MaxLength(2000)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url: string;

  @ApiPropertyOptional({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    minLength: 38,
    maxLength: 96,
    pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$',
    description:
      'The Standard Webhooks signing secret: `whsec_` and the base64 of 24 to 64 random bytes. ' +
      'Absent: the service makes one and answers it once (`secret`); it is never shown again',
  })
  @OptionalField()
  @IsString()
  @Validate(IsStandardWebhookSecret)
  secret?: string;
}

export class WebhookResponse {
  @ApiProperty() organizationId: string;
  @ApiProperty() url: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty() updatedByUserId: string;
  @ApiPropertyOptional({
    description:
      'Only in the answer to a PUT without a secret: the one the service made, shown this once',
  })
  secret?: string;
}

export class DeliveriesQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ default: 100 })
  @QueryInt(1, 500)
  limit?: number;
}

export class DeliveryResponse {
  @ApiProperty({
    description: `the value of the \`${WEBHOOK_HEADERS.id}\` header the receiver saw, the same on every retry`,
  })
  id: string;
  @ApiProperty() notificationId: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind: NotificationKind;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) enqueuedAt: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'when the last attempt started',
  })
  lastAttemptAt: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'a pending delivery whose last attempt failed: when the next is due',
  })
  nextAttemptAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) completedAt: string | null;
}

export class ReminderScanRequest {
  @ApiPropertyOptional({
    format: 'date',
    description: 'The business day to scan (default: today in BUSINESS_TIMEZONE)',
  })
  @OptionalField()
  @IsIsoDate()
  asOf?: string;
}

export class ReminderScanResponse {
  @ApiProperty({ format: 'date' }) asOf: string;
  @ApiProperty({ format: 'date-time', description: 'the instant the rules judged by' }) at: string;
  @ApiProperty({ description: 'reminders due that day, sent before or not' }) due: number;
  @ApiProperty({ description: 'notifications this run stored' }) raised: number;
  @ApiProperty({ description: 'daily digest mails this run wrote' }) digests: number;
  @ApiProperty({ type: Object }) byKind: Record<string, number>;
  @ApiProperty() durationMs: number;
}
