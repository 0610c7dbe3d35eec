import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { AuditsModule } from '../audits/audits.module.js';
import { ImmediateNotice } from './immediate-notice.js';
import { IncidentReactor } from './incident.reactor.js';
import { LedgerTamperingReactor } from './ledger-tampering.reactor.js';
import { NotificationWriter } from './notification-writer.js';
import {
  MailDeliveryProcessor,
  ReminderJobsProcessor,
  WebhookDeliveryProcessor,
} from './notification-jobs.processors.js';
import { MailDigests } from './mail-digests.js';
import { MailOutbox } from './mail-outbox.js';
import { MailSender } from './mail-sender.js';
import {
  AdminJobsController,
  NotificationsController,
  WebhooksController,
} from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { QueueMetrics } from './queue-metrics.js';
import { MAIL_QUEUE, REMINDER_QUEUE, redisOptions, WEBHOOK_QUEUE } from './queue.constants.js';
import { QueueState } from './queue-state.js';
import { QueueShutdown } from './queue-shutdown.js';
import { QueueSupervisor } from './queue-supervisor.js';
import { ReminderScanner } from './reminder-scanner.js';
import { WebhookAddressPolicy, WebhookResolver } from './webhook-address.policy.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Reminders, the inbox, webhooks and e-mails, on BullMQ. The queue workers are
 * registered only in a process that runs them: the API by default
 * (QUEUE_WORKERS=in-process), or `npm run worker`.
 */
@Module({})
export class NotificationsModule {
  static forRoot(options: { runsWorkers: boolean }): DynamicModule {
    return {
      module: NotificationsModule,
      // Global so that health can read the queue's state.
      global: true,
      imports: [
        AuditsModule,
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            connection: redisOptions(config.REDIS_URL),
            prefix: config.QUEUE_PREFIX,
          }),
        }),
        BullModule.registerQueue(
          { name: REMINDER_QUEUE },
          { name: WEBHOOK_QUEUE },
          { name: MAIL_QUEUE },
        ),
      ],
      controllers: [NotificationsController, WebhooksController, AdminJobsController],
      providers: [
        QueueState,
        QueueSupervisor,
        QueueShutdown,
        QueueMetrics,
        NotificationWriter,
        ReminderScanner,
        WebhookOutbox,
        MailOutbox,
        MailDigests,
        MailSender,
        WebhookResolver,
        WebhookAddressPolicy,
        WebhookSender,
        NotificationsService,
        WebhooksService,
        ImmediateNotice,
        IncidentReactor,
        LedgerTamperingReactor,
        ...(options.runsWorkers
          ? [ReminderJobsProcessor, WebhookDeliveryProcessor, MailDeliveryProcessor]
          : []),
      ],
      exports: [QueueState, ReminderScanner, WebhookOutbox, QueueSupervisor],
    };
  }
}
