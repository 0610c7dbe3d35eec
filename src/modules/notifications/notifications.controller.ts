import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles, SecretAnswer } from '../../common/auth/auth.decorators.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import {
  ConfigureWebhookRequest,
  DeliveriesQuery,
  DeliveryResponse,
  InboxQuery,
  InboxResponse,
  ReadResponse,
  ReminderScanRequest,
  ReminderScanResponse,
  WebhookResponse,
} from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';
import { ReminderScanner } from './reminder-scanner.js';
import { WebhooksService } from './webhooks.service.js';
import { ApiErrors } from '../../openapi/api-document.js';
import { ApiJsonBody } from '../../openapi/api-json-body.js';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** The caller's inbox, newest first, with the state of their organization's webhook delivery. */
  @Get()
  @ApiOperation({
    summary: 'List my notifications',
    description:
      "Any signed-in user, for their own inbox only. Notifications addressed to the caller, newest first (`unread=true` keeps the unread ones; `limit`, `offset` page), with the total and unread counts, the state of the delivery to their organization's webhook and of their own e-mail. Writes nothing.",
  })
  @ApiOkResponse({ type: InboxResponse, description: "A page of the caller's inbox, with counts" })
  inbox(@CurrentActor() actor: Actor, @Query() query: InboxQuery): Promise<InboxResponse> {
    return this.notifications.inbox(actor, query);
  }

  /** Marks one notification of the caller's inbox read (idempotent). */
  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark a notification read',
    description:
      'Any signed-in user, for a notification in their own inbox (404 NOTIFICATION_NOT_FOUND for any other). Stores when it was read; marking it again changes nothing and answers the first time.',
  })
  @ApiOkResponse({ type: ReadResponse, description: 'The notification and when it was first read' })
  @ApiErrors('NOTIFICATION_NOT_FOUND')
  read(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReadResponse> {
    return this.notifications.markRead(actor, id);
  }
}

@ApiTags('organizations')
@ApiBearerAuth()
@Roles('admin', 'ward_officer')
@Controller('organizations/:id/webhook')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /**
   * Sets (or replaces) the organization's webhook URL and signing secret;
   * without a secret, the service makes one and answers it this once.
   */
  @Put()
  @SecretAnswer()
  @ApiOperation({
    summary: "Set an organization's webhook",
    description:
      'Administrators for any organization, ward officers for their own ward; any other organization answers 404 ORGANIZATION_NOT_FOUND. Stores (or replaces) the URL notifications are POSTed to and the Standard Webhooks signing secret; without `secret` the service makes one and answers it this once. A URL kanribo must not send to (plain http, credentials, a private, loopback or metadata address outside WEBHOOK_ALLOWED_NETWORKS) is 400 WEBHOOK_URL_REFUSED and is not stored.',
  })
  @ApiJsonBody(
    ConfigureWebhookRequest,
    {
      name: 'generated',
      summary: 'The service makes the secret and answers it once',
      value: { url: 'https://example.jp/kanribo/webhook' },
    },
    {
      name: 'own-secret',
      summary: 'With a signing secret the receiver already holds',
      value: {
        url: 'https://example.jp/shinjuku/notifications',
        secret: 'whsec_PvzWSNK1duD9hfNfYiMcX6v4DzrtvJAf8W+Es4v2oas=',
      },
    },
  )
  @ApiOkResponse({
    type: WebhookResponse,
    description: 'The webhook; `secret` only when the service made it',
  })
  @ApiErrors('ORGANIZATION_NOT_FOUND', 'WEBHOOK_URL_REFUSED')
  configure(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ConfigureWebhookRequest,
  ): Promise<WebhookResponse> {
    return this.webhooks.configure(actor, id, body);
  }

  /** The webhook, without its secret. */
  @Get()
  @ApiOperation({
    summary: "Get an organization's webhook",
    description:
      'Administrators for any organization, ward officers for their own ward (404 ORGANIZATION_NOT_FOUND otherwise). The URL and who set it when, never the secret; 404 WEBHOOK_NOT_FOUND when none is set.',
  })
  @ApiOkResponse({ type: WebhookResponse, description: 'The webhook, without its secret' })
  @ApiErrors('ORGANIZATION_NOT_FOUND', 'WEBHOOK_NOT_FOUND')
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<WebhookResponse> {
    return this.webhooks.get(actor, id);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: "Remove an organization's webhook",
    description:
      'Administrators for any organization, ward officers for their own ward (404 ORGANIZATION_NOT_FOUND otherwise); 404 WEBHOOK_NOT_FOUND when none is set. Deletes the URL and secret; deliveries still pending then fail with a clear error.',
  })
  @ApiNoContentResponse({ description: 'The webhook is removed' })
  @ApiErrors('ORGANIZATION_NOT_FOUND', 'WEBHOOK_NOT_FOUND')
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.webhooks.remove(actor, id);
  }

  /** Deliveries to the webhook, newest first; `?status=failed` shows what never arrived. */
  @Get('deliveries')
  @ApiOperation({
    summary: "List the deliveries to an organization's webhook",
    description:
      "Administrators for any organization, ward officers for their own ward (404 ORGANIZATION_NOT_FOUND otherwise). The organization's webhook deliveries, newest first, with their attempts, last status and error; `status=failed` shows what never arrived, `limit` caps the list (100 by default). Writes nothing.",
  })
  @ApiOkResponse({
    type: ListOf(DeliveryResponse),
    description: 'The deliveries, newest first',
  })
  @ApiErrors('ORGANIZATION_NOT_FOUND')
  async deliveries(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: DeliveriesQuery,
  ): Promise<{ items: DeliveryResponse[] }> {
    return { items: await this.webhooks.deliveries(actor, id, query) };
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/jobs')
export class AdminJobsController {
  constructor(private readonly scanner: ReminderScanner) {}

  /**
   * Runs the reminder scan of one business day now, in this process and
   * without the queue (so it works while Redis is down): for catch-up and
   * for tests. Notifications already sent are not sent again.
   */
  @Post('reminder-scan')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run the reminder scan of one business day now',
    description:
      "Administrators only. Runs the daily scan for `asOf` (today in BUSINESS_TIMEZONE by default; from 2000-01-01 to 2999-12-31, else 400 VALIDATION_FAILED) in this process, without the queue, so it works while Redis is down: it raises the reminders due that day as notifications (sent on by webhook and e-mail) and writes the day's digest mails. Notifications already sent are not sent again, so running it twice is harmless.",
  })
  @ApiJsonBody(
    ReminderScanRequest,
    { name: 'as-of', summary: 'A missed business day', value: { asOf: '2026-03-31' } },
    { name: 'today', summary: 'Today in BUSINESS_TIMEZONE', value: {} },
  )
  @ApiOkResponse({
    type: ReminderScanResponse,
    description: 'What the scan found due and what it sent',
  })
  async reminderScan(@Body() body: ReminderScanRequest): Promise<ReminderScanResponse> {
    const asOf = body.asOf ?? this.scanner.today();
    if (asOf < '2000-01-01' || asOf > '2999-12-31') {
      throw new DomainError('VALIDATION_FAILED', 'asOf is out of range', { asOf });
    }
    return this.scanner.scan(asOf);
  }
}
