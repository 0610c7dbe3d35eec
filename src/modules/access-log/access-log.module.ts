import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AccessLogCapture } from './access-log.capture.js';
import { AccessLogController } from './access-log.controller.js';
import { AccessLogService } from './access-log.service.js';
import { AccessLogWriter } from './access-log.writer.js';

/**
 * The access log (アクセスログ): who read or changed what, when and from
 * where, hash-chained per installation. Sits low (beside identity): it
 * reads contracts only through plain SQL, and no feature module imports it;
 * requests are captured by the hooks {@link installAccessLog} registers and
 * by the TransactionRunner's commit hook.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [AccessLogController],
  providers: [AccessLogWriter, AccessLogCapture, AccessLogService],
  exports: [AccessLogService],
})
export class AccessLogModule {}
