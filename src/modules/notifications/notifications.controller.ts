import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** The caller's inbox, newest first, with the state of their organization's webhook delivery. */
  @Get()
  @ApiOkResponse({ type: InboxResponse })
  inbox(@CurrentActor() actor: Actor, @Query() query: InboxQuery): Promise<InboxResponse> {
    return this.notifications.inbox(actor, query);
  }

  /** Marks one notification of the caller's inbox read (idempotent). */
  @Post(':id/read')
  @HttpCode(200)
  @ApiOkResponse({ type: ReadResponse })
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
  @ApiOkResponse({ type: WebhookResponse })
  configure(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ConfigureWebhookRequest,
  ): Promise<WebhookResponse> {
    return this.webhooks.configure(actor, id, body);
  }

  /** The webhook, without its secret. */
  @Get()
  @ApiOkResponse({ type: WebhookResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<WebhookResponse> {
    return this.webhooks.get(actor, id);
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.webhooks.remove(actor, id);
  }

  /** Deliveries to the webhook, newest first; `?status=failed` shows what never arrived. */
  @Get('deliveries')
  @ApiOkResponse({ type: ListOf(DeliveryResponse) })
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
  @ApiOkResponse({ type: ReminderScanResponse })
  async reminderScan(@Body() body: ReminderScanRequest): Promise<ReminderScanResponse> {
    const asOf = body.asOf ?? this.scanner.today();
    if (asOf < '2000-01-01' || asOf > '2999-12-31') {
      throw new DomainError('VALIDATION_FAILED', 'asOf is out of range', { asOf });
    }
    return this.scanner.scan(asOf);
  }
}
