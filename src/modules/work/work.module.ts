import { Module } from '@nestjs/common';
import { ContractsModule } from '../contracts/contracts.module.js';
import { WorkController } from './work.controller.js';
import { WorkService } from './work.service.js';

/**
 * 今日の作業: what waits for the signed-in user, read across the custody,
 * take-out and close-out projections of the contracts they may read. Reads
 * only: it sits above those modules and writes nothing.
 */
@Module({
  imports: [ContractsModule],
  controllers: [WorkController],
  providers: [WorkService],
})
export class WorkModule {}
