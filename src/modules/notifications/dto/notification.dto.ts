import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsIsoDate, MAX_SEQ, OptionalField, QueryInt } from '../../../common/http/validators.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../entities/webhook-delivery.entity.js';
import { NOTIFICATION_KINDS, type NotificationKind } from '../entities/notification.entity.js';

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

  @ApiProperty({
    minLength: 16,
    maxLength: 256,
    description: 'Shared secret of the HMAC-SHA256 signature; never returned',
  })
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret: string;
}

export class WebhookResponse {
  @ApiProperty() organizationId: string;
  @ApiProperty() url: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty() updatedByUserId: string;
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
  @ApiProperty({ description: 'the X-Kanribo-Delivery header the receiver saw' }) id: string;
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
  @ApiProperty({ type: Object }) byKind: Record<string, number>;
  @ApiProperty() durationMs: number;
}
