import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from './config/app-config.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { StrictValidationPipe } from './common/http/validation.pipe.js';
import { Clock, SystemClock } from './common/time/clock.js';
import { buildDataSourceOptions } from './database/data-source-options.js';
import { DatabaseModule } from './database/database.module.js';
import { initializeMigratedDataSource } from './database/migration-lock.js';
import { IdempotencyModule } from './database/idempotency.module.js';
import { ContractsModule } from './modules/contracts/contracts.module.js';
import { AccessLogModule } from './modules/access-log/access-log.module.js';
import { AuditsModule } from './modules/audits/audits.module.js';
import { StatusReportsModule } from './modules/status-reports/status-reports.module.js';
import { CloseoutModule } from './modules/closeout/closeout.module.js';
import { EvidenceModule } from './modules/evidence/evidence.module.js';
import { CustodyModule } from './modules/custody/custody.module.js';
import { TakeoutModule } from './modules/takeout/takeout.module.js';
import { PlacesModule } from './modules/places/places.module.js';
import { CopiesModule } from './modules/copies/copies.module.js';
import { EmergencyModule } from './modules/emergency/emergency.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { IdentityModule } from './modules/identity/identity.module.js';
import { LedgerModule } from './modules/ledger/ledger.module.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { WorkModule } from './modules/work/work.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** Replaces the system clock (tests, scripts). */
  clock?: Clock;
  /** Run the queue workers in this process (default: QUEUE_WORKERS is in-process). */
  runsWorkers?: boolean;
}

/** Configuration and the clock, visible to every module. */
@Global()
@Module({})
class CoreModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: AppConfig, useValue: options.config },
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
      ],
      exports: [AppConfig, Clock],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options),
        // Connected, then migrated under the migration lock, before anything
        // else gets the data source (so several processes may start together).
        TypeOrmModule.forRootAsync({
          useFactory: () => buildDataSourceOptions(options.config),
          dataSourceFactory: (dataSourceOptions) =>
            initializeMigratedDataSource(dataSourceOptions!, new Logger('Migrations')),
        }),
        DatabaseModule,
        IdempotencyModule,
        HealthModule,
        MetricsModule,
        IdentityModule,
        AccessLogModule,
        ContractsModule,
        LedgerModule,
        CustodyModule,
        TakeoutModule,
        PlacesModule,
        CopiesModule,
        EmergencyModule,
        CloseoutModule,
        EvidenceModule,
        AuditsModule,
        StatusReportsModule,
        WorkModule,
        NotificationsModule.forRoot({
          runsWorkers: options.runsWorkers ?? options.config.QUEUE_WORKERS === 'in-process',
        }),
      ],
      providers: [
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
