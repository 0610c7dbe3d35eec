import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module.js';
import { AuditsController } from './audits.controller.js';
import { AuditsProjector } from './audits.projector.js';
import { AuditsService } from './audits.service.js';
import { AuditEntity } from './entities/audit.entity.js';

/** On-site audits and, with the reminders, what is due. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntity]), ContractsModule],
  controllers: [AuditsController],
  providers: [AuditsService, AuditsProjector],
  exports: [AuditsService],
})
export class AuditsModule {}
