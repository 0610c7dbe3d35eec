import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module.js';
import { PdfModule } from '../pdf/pdf.module.js';
import { AuditContinuityReader } from './audit-continuity.js';
import { AuditChecklistService } from './audit-checklist.service.js';
import { AuditFindingsController } from './audit-findings.controller.js';
import { AuditFindingsService } from './audit-findings.service.js';
import { AuditsController } from './audits.controller.js';
import { AuditsProjector } from './audits.projector.js';
import { AuditsService } from './audits.service.js';
import { AuditChecklistEntity } from './entities/audit-checklist.entity.js';
import { AuditFindingEntity } from './entities/audit-finding.entity.js';
import { AuditEntity } from './entities/audit.entity.js';

/** On-site audits and, with the reminders, what is due. */
@Module({
  imports: [
    TypeOrmModule.forFeature([AuditEntity, AuditChecklistEntity, AuditFindingEntity]),
    ContractsModule,
    PdfModule,
  ],
  controllers: [AuditsController, AuditFindingsController],
  providers: [
    AuditsService,
    AuditChecklistService,
    AuditFindingsService,
    AuditsProjector,
    AuditContinuityReader,
  ],
  exports: [AuditsService, AuditContinuityReader],
})
export class AuditsModule {}
